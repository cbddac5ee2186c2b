//! The finite space of attribute assignments, compressed to what the rules can tell apart.
//!
//! Two values of an attribute that every `when:` either lists both or neither of can never
//! lead to different verdicts, so they form one class. A point of the analysis is one class per
//! attribute; the space is their product, numbered in mixed radix. With the bundled policy that
//! is 2 × 2 × 2 = 8 points, whatever the number of rules.

use std::collections::HashMap;

use super::ir::{Attribute, Model};

/// A fixed-width row of bits, one per point.
pub type Bits = Vec<u64>;

pub fn bits_new(len: usize) -> Bits {
    vec![0; len.div_ceil(64)]
}

pub fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] >> (i % 64) & 1 == 1
}

pub fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

pub fn is_subset(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x & !y == 0)
}

pub fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        let mut word = word;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let b = word.trailing_zeros() as usize;
                word &= word - 1;
                w * 64 + b
            })
        })
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointSpace {
    /// Per attribute: the class of each value.
    class_of: Vec<Vec<u32>>,
    /// Per attribute: a representative value of each class (the default where it is in it).
    representative: Vec<Vec<u32>>,
    /// Per attribute: the mixed-radix weight of its class index.
    stride: Vec<usize>,
    len: usize,
}

impl PointSpace {
    pub fn new(model: &Model) -> Self {
        let mut class_of = Vec::new();
        let mut representative = Vec::new();
        for (a, attr) in model.attributes.iter().enumerate() {
            let sets = model
                .layers
                .iter()
                .flat_map(|l| &l.rules)
                .filter_map(|r| r.when[a].as_deref());
            let (classes, reps) = classify(attr, sets);
            class_of.push(classes);
            representative.push(reps);
        }
        let mut stride = Vec::with_capacity(class_of.len());
        let mut len = 1usize;
        for reps in &representative {
            stride.push(len);
            len = len.saturating_mul(reps.len().max(1));
        }
        Self {
            class_of,
            representative,
            stride,
            len,
        }
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The values of attribute `a` class by class, the default's class first: no rule tells
    /// the values of one class apart, so one value stands for all of them.
    pub fn classes(&self, a: usize) -> Vec<Vec<u32>> {
        let mut classes = vec![Vec::new(); self.representative[a].len()];
        for (v, &class) in self.class_of[a].iter().enumerate() {
            classes[class as usize].push(v as u32);
        }
        classes
    }

    /// A concrete assignment standing for the point, used in messages as the example.
    pub fn values_of(&self, point: usize) -> Vec<u32> {
        (0..self.stride.len())
            .map(|a| {
                let classes = self.representative[a].len();
                self.representative[a][point / self.stride[a] % classes]
            })
            .collect()
    }

    /// The points where a `when:` holds.
    pub fn bits_of(&self, when: &[Option<Vec<u32>>]) -> Bits {
        let mut bits = bits_new(self.len);
        // Per attribute, which classes the condition admits.
        let admitted: Vec<Vec<bool>> = when
            .iter()
            .enumerate()
            .map(|(a, set)| {
                let mut ok = vec![set.is_none(); self.representative[a].len()];
                for &v in set.iter().flatten() {
                    ok[self.class_of[a][v as usize] as usize] = true;
                }
                ok
            })
            .collect();
        for p in 0..self.len {
            let holds = admitted
                .iter()
                .enumerate()
                .all(|(a, ok)| ok[p / self.stride[a] % ok.len()]);
            if holds {
                set_bit(&mut bits, p);
            }
        }
        bits
    }
}

/// Partitions an attribute's values by which `when` sets contain them.
fn classify<'a>(attr: &Attribute, sets: impl Iterator<Item = &'a [u32]>) -> (Vec<u32>, Vec<u32>) {
    let mut distinct: Vec<&[u32]> = sets.collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut signature_class: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut class_of = vec![0; attr.values.len()];
    let mut reps: Vec<u32> = Vec::new();
    // The default first: its class is class 0, so that point 0 is "every attribute at its
    // default", and the examples in messages stay close to what use cases say by default.
    let order = std::iter::once(attr.default).chain((0..attr.values.len() as u32).filter(|&v| v != attr.default));
    for v in order {
        let signature: Vec<u32> = distinct
            .iter()
            .enumerate()
            .filter(|(_, s)| s.binary_search(&v).is_ok())
            .map(|(i, _)| i as u32)
            .collect();
        let next = reps.len() as u32;
        let class = *signature_class.entry(signature).or_insert(next);
        if class == next {
            reps.push(v);
        }
        class_of[v as usize] = class;
    }
    (class_of, reps)
}
