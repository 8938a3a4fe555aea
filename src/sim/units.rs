//! Parses sizes, rates and durations typed by learners and teachers ("4GiB", "125 MiB/s").
//!
//! Scenes keep sizes in MiB, rates in MiB/s and durations in ms; these parsers turn what
//! a person types into those units, and say in plain words what was expected when the
//! text does not fit. Only binary size units (KiB, MiB, …) are accepted, so "GB" is never
//! silently read as a power of 1000 or of 1024.

use thiserror::Error;

/// Why a typed quantity could not be read; the message says what would have worked.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum UnitError {
    /// The text is not a size.
    #[error("expected a size such as 512MiB or 4GiB, got \"{0}\"")]
    Size(String),
    /// The text is not a transfer rate.
    #[error("expected a rate such as 125MiB/s or 1GiB/s, got \"{0}\"")]
    Rate(String),
    /// The text is not a duration.
    #[error("expected a duration such as 300ms or 2s, got \"{0}\"")]
    Duration(String),
}

/// Splits "12.5 GiB" into a finite, non-negative number and its (trimmed) unit.
fn number_and_unit(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let split = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .map_or(text.len(), |(i, _)| i);
    let (number, unit) = text.split_at(split);
    // Exponents, signs, "inf" and "NaN" never get this far: only digits, dots and
    // digit-group underscores make up the number.
    let digits: String = number.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    value.is_finite().then_some((value, unit.trim()))
}

/// MiB per unit of a binary size unit; an empty unit means MiB.
fn size_unit_mib(unit: &str) -> Option<f64> {
    Some(match unit {
        "" | "MiB" | "M" => 1.0,
        "B" => 1.0 / 1_048_576.0,
        "KiB" | "K" => 1.0 / 1024.0,
        "GiB" | "G" => 1024.0,
        "TiB" | "T" => 1_048_576.0,
        _ => return None,
    })
}

/// Reads a size in MiB: `"4GiB"`, `"512 MiB"`, `"64KiB"`, or a bare number meaning MiB.
pub fn parse_size_mib(text: &str) -> Result<f64, UnitError> {
    let err = || UnitError::Size(text.to_owned());
    let (value, unit) = number_and_unit(text).ok_or_else(err)?;
    let per = size_unit_mib(unit).ok_or_else(err)?;
    let mib = value * per;
    if mib.is_finite() { Ok(mib) } else { Err(err()) }
}

/// Reads a rate in MiB/s: a size followed by `/s`, e.g. `"125MiB/s"` or `"1 GiB/s"`.
pub fn parse_rate_mib_s(text: &str) -> Result<f64, UnitError> {
    let err = || UnitError::Rate(text.to_owned());
    let size = text.trim().strip_suffix("/s").ok_or_else(err)?;
    parse_size_mib(size).map_err(|_| err())
}

/// Reads a duration in ms: `"300ms"`, `"2 s"`, or a bare number meaning ms.
pub fn parse_duration_ms(text: &str) -> Result<f64, UnitError> {
    let err = || UnitError::Duration(text.to_owned());
    let (value, unit) = number_and_unit(text).ok_or_else(err)?;
    let per = match unit {
        "" | "ms" => 1.0,
        "s" => 1000.0,
        "us" | "µs" => 0.001,
        _ => return Err(err()),
    };
    let ms = value * per;
    if ms.is_finite() { Ok(ms) } else { Err(err()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn binary_sizes_scale_by_1024() {
        assert_eq!(parse_size_mib("4GiB"), Ok(4096.0));
        assert_eq!(parse_size_mib("512 MiB"), Ok(512.0));
        assert_eq!(parse_size_mib("2048KiB"), Ok(2.0));
        assert_eq!(parse_size_mib("1TiB"), Ok(1_048_576.0));
        assert_eq!(parse_size_mib("1048576B"), Ok(1.0));
        assert_eq!(parse_size_mib("  1.5 GiB "), Ok(1536.0));
        assert_eq!(parse_size_mib("300"), Ok(300.0));
    }

    #[test]
    fn junk_negative_and_non_finite_sizes_are_refused_with_a_hint() {
        for bad in [
            "4 potatoes",
            "-4GiB",
            "NaN",
            "inf",
            "GiB",
            "",
            "1e3MiB",
            "4GB",
            "1.2.3MiB",
            ".",
        ] {
            assert!(parse_size_mib(bad).is_err(), "{bad:?} was accepted");
        }
        let msg = parse_size_mib("4 potatoes").map_err(|e| e.to_string());
        assert_eq!(
            msg,
            Err("expected a size such as 512MiB or 4GiB, got \"4 potatoes\"".to_owned())
        );
    }

    #[test]
    fn rates_need_per_second() {
        assert_eq!(parse_rate_mib_s("125MiB/s"), Ok(125.0));
        assert_eq!(parse_rate_mib_s("1 GiB/s"), Ok(1024.0));
        assert!(parse_rate_mib_s("125MiB").is_err());
        assert!(parse_rate_mib_s("/s").is_err());
        assert!(matches!(parse_rate_mib_s("fast/s"), Err(UnitError::Rate(_))));
    }

    #[test]
    fn durations_in_ms_or_s() {
        assert_eq!(parse_duration_ms("300ms"), Ok(300.0));
        assert_eq!(parse_duration_ms("2 s"), Ok(2000.0));
        assert_eq!(parse_duration_ms("45"), Ok(45.0));
        assert!(parse_duration_ms("3 minutes").is_err());
        assert!(parse_duration_ms("-1s").is_err());
    }

    proptest! {
        #[test]
        fn random_text_never_panics_and_accepted_values_are_finite(s in "\\PC{0,20}") {
            for v in [parse_size_mib(&s), parse_rate_mib_s(&s), parse_duration_ms(&s)].into_iter().flatten() {
                prop_assert!(v.is_finite() && v >= 0.0);
            }
        }

        #[test]
        fn printed_sizes_read_back(mib in 0.0f64..1.0e6) {
            let text = format!("{mib}MiB");
            let back = parse_size_mib(&text);
            prop_assert_eq!(back, Ok(mib));
        }
    }
}

/// The unit of a model's readout: it names itself and formats a value in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (a count, a ratio).
    Number,
    /// 0 or 1, read as no or yes.
    YesNo,
    /// Percent.
    Percent,
    /// Watts.
    Watts,
    /// Nanoseconds.
    Ns,
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Mebibytes.
    Mib,
    /// Bytes.
    Bytes,
    /// Build steps.
    Steps,
    /// Image layers.
    Layers,
}

impl Unit {
    /// The unit's symbol as shown after a value ("" for a plain number).
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Number | Unit::YesNo => "",
            Unit::Percent => "%",
            Unit::Watts => "W",
            Unit::Ns => "ns",
            Unit::Ms => "ms",
            Unit::Seconds => "s",
            Unit::Mib => "MiB",
            Unit::Bytes => "bytes",
            Unit::Steps => "steps",
            Unit::Layers => "layers",
        }
    }
}

/// A value the model computed, with its unit: what readout tables, predict-a-number
/// grading, plots and tests read (none of them parses a displayed string).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// The value, in `unit`.
    pub value: f64,
    /// What the value counts.
    pub unit: Unit,
}

impl Quantity {
    /// A value in a unit.
    pub fn new(value: f64, unit: Unit) -> Self {
        Self { value, unit }
    }
}

impl std::fmt::Display for Quantity {
    /// Whole numbers without decimals, small values with up to two, then the unit.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.value;
        if self.unit == Unit::YesNo {
            return f.write_str(if v > 0.5 { "yes" } else { "no" });
        }
        let decimals = if !v.is_finite() || (v - v.round()).abs() < 1e-9 || v.abs() >= 100.0 {
            0
        } else if v.abs() >= 10.0 {
            1
        } else {
            2
        };
        let number = format!("{v:.decimals$}");
        match self.unit.symbol() {
            "" => f.write_str(&number),
            "%" => write!(f, "{number} %"),
            symbol => write!(f, "{number} {symbol}"),
        }
    }
}

#[cfg(test)]
mod quantity_tests {
    use super::{Quantity, Unit};

    #[test]
    fn a_quantity_formats_its_value_with_its_unit() {
        assert_eq!(Quantity::new(12.0, Unit::Ms).to_string(), "12 ms");
        assert_eq!(Quantity::new(2.345, Unit::Mib).to_string(), "2.35 MiB");
        assert_eq!(Quantity::new(33.333, Unit::Percent).to_string(), "33.3 %");
        assert_eq!(Quantity::new(1234.56, Unit::Ns).to_string(), "1235 ns");
        assert_eq!(Quantity::new(3.0, Unit::Number).to_string(), "3");
        assert_eq!(Quantity::new(1.0, Unit::YesNo).to_string(), "yes");
        assert_eq!(Quantity::new(0.0, Unit::YesNo).to_string(), "no");
    }
}
