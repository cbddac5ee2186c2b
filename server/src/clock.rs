//! Today's date from the system clock (UTC), for the front ends to judge as of when no day is
//! given. At crate level because both the command line and the language server need it (the
//! server must not depend on the command line), and outside `model`, which reads no clock.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::Date;

pub fn today() -> Date {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64).expect("the system clock is before the year 10000")
}
