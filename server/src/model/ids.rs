//! The small value syntaxes of the file formats (SPEC §1): ids, category ids, dates and policy
//! references (`id` or `id@YYYY-MM-DD`).

use std::fmt;

/// An id of a policy, manifest, attribute, safeguard, section, rule or use case, or one segment
/// of a category id: `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A category id: one or more [ids](is_valid_id) joined by `.` (`high-risk.legal`).
pub fn is_valid_category_id(s: &str) -> bool {
    s.split('.').all(is_valid_id)
}

/// A calendar date, as policy versions use them. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    y: u16,
    m: u8,
    d: u8,
}

impl Date {
    /// A date from its parts, when they name a real day of the Gregorian calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = year <= 9999 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date {
            y: year,
            m: month,
            d: day,
        })
    }

    /// Exactly `YYYY-MM-DD` (ISO 8601 calendar date), a real day.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm),
    /// when it is a date of years 0 to 9999.
    pub fn from_unix_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = u16::try_from(yoe + era * 400 + i64::from(month <= 2)).ok()?;
        Date::new(year, month, day)
    }

    pub fn year(self) -> u16 {
        self.y
    }

    pub fn month(self) -> u8 {
        self.m
    }

    pub fn day(self) -> u8 {
        self.d
    }
}

/// The decimal value of a run of ASCII digits (at most four, so it fits).
fn digits(b: &[u8]) -> Option<u16> {
    b.iter().try_fold(0u16, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn is_leap_year(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// A reference to a policy: `id@YYYY-MM-DD` names one version, a bare `id` the newest version
/// in effect.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyRef {
    pub id: String,
    pub version: Option<Date>,
}

impl PolicyRef {
    /// `id` or `id@YYYY-MM-DD`, with a valid id and a real date; nothing else (no spaces).
    pub fn parse(s: &str) -> Option<PolicyRef> {
        let (id, version) = match s.split_once('@') {
            Some((id, date)) => (id, Some(Date::parse(date)?)),
            None => (s, None),
        };
        is_valid_id(id).then(|| PolicyRef {
            id: id.to_string(),
            version,
        })
    }
}

impl fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Some(version) => write!(f, "{}@{}", self.id, version),
            None => f.write_str(&self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "acme-assistant", "0", "9lives", "a--b", "a-"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "A", "aB", "a_b", "a.b", "a b", "é", "a\n"] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn category_ids() {
        for ok in ["cyber", "high-risk.legal", "a.b.c", "0.1"] {
            assert!(is_valid_category_id(ok), "{ok}");
        }
        for bad in ["", ".", "a.", ".a", "a..b", "A.b", "a.-b", "a b.c"] {
            assert!(!is_valid_category_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn dates_parse_and_display() {
        let d = Date::parse("2025-09-15").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2025, 9, 15));
        assert_eq!(d.to_string(), "2025-09-15");
        assert_eq!(Date::parse("0001-01-01").unwrap().to_string(), "0001-01-01");
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2000-02-29").is_some());
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-01-00",
            "2025-1-01",
            "2025-01-1",
            "25-01-01",
            "2025/01/01",
            "2025-01-01 ",
            "+025-01-01",
            "2025-0a-01",
            "",
            "２０２５-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn days_since_the_unix_epoch_are_calendar_dates() {
        let date = |days| Date::from_unix_days(days).map(|d| d.to_string());
        assert_eq!(date(0).as_deref(), Some("1970-01-01"));
        assert_eq!(date(20_346).as_deref(), Some("2025-09-15"));
        assert_eq!(date(11_016).as_deref(), Some("2000-02-29"));
        assert_eq!(date(-719_528).as_deref(), Some("0000-01-01"));
        assert_eq!(date(2_932_896).as_deref(), Some("9999-12-31"));
        assert_eq!(date(2_932_897), None);
        assert_eq!(date(-719_529), None);
        assert_eq!(date(i64::MAX), None);
    }

    #[test]
    fn dates_order_chronologically() {
        let mut dates: Vec<Date> = ["2025-09-15", "2024-06-06", "2024-12-01", "2024-06-07"]
            .iter()
            .filter_map(|s| Date::parse(s))
            .collect();
        dates.sort();
        let text: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(text, ["2024-06-06", "2024-06-07", "2024-12-01", "2025-09-15"]);
    }

    #[test]
    fn policy_refs() {
        let r = PolicyRef::parse("anthropic-usage@2025-09-15").unwrap();
        assert_eq!(r.id, "anthropic-usage");
        assert_eq!(r.version, Date::parse("2025-09-15"));
        assert_eq!(r.to_string(), "anthropic-usage@2025-09-15");
        let bare = PolicyRef::parse("acme").unwrap();
        assert_eq!((bare.id.as_str(), bare.version), ("acme", None));
        assert_eq!(bare.to_string(), "acme");
        for bad in [
            "",
            "@2025-01-01",
            "acme@",
            "acme@2025-13-01",
            "Acme@2025-01-01",
            "a@b@2025-01-01",
            "acme @2025-01-01",
        ] {
            assert_eq!(PolicyRef::parse(bad), None, "{bad:?}");
        }
    }
}
