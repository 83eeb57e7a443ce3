//! Numbers as people type them into forms and read them back: the forms of the catalogue, the
//! scenarios and the fleet share these two, so what one shows the other parses.

/// A number as people type it (thousands separators allowed); `None` when empty or not one.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim()
        .replace([',', ' ', '_'], "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// 200.0 → "200", 0.1 + 0.2 → "0.3": numbers as a person would type them.
pub fn trim_number(value: f64) -> String {
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_allow_separators_and_refuse_the_rest() {
        assert_eq!(parse_number(" 1,234.5 "), Some(1_234.5));
        assert_eq!(parse_number("90 000"), Some(90_000.0));
        assert_eq!(parse_number("1_000"), Some(1_000.0));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("inf"), None);
    }

    #[test]
    fn shown_numbers_drop_trailing_zeros() {
        assert_eq!(trim_number(200.0), "200");
        assert_eq!(trim_number(0.1 + 0.2), "0.3");
        assert_eq!(trim_number(0.045), "0.045");
        // What is shown parses back to the same value, to six decimals.
        assert_eq!(parse_number(&trim_number(3_500.25)), Some(3_500.25));
    }
}
