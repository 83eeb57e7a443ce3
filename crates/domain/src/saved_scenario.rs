//! Calculator scenarios a signed-in user keeps under a name. A scenario is stored as the
//! calculator's query string, so opening one is opening its link and it reproduces exactly.

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;

/// How many scenarios one account may keep: enough for every machine and tariff a farm
/// compares, few enough that the list stays one screen of names.
pub const MAX_PER_USER: i64 = 200;
/// Longest name, characters.
pub const MAX_NAME_CHARS: usize = 80;

/// One saved scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScenario {
    pub scenario_id: i64,
    pub name: String,
    /// The calculator's query string (without `?`), canonical: see [`canonical_query`].
    pub query: String,
    pub updated_at_ms: i64,
}

impl SavedScenario {
    /// The calculator address that opens this scenario.
    pub fn href(&self) -> String {
        if self.query.is_empty() {
            "/calculator".to_owned()
        } else {
            format!("/calculator?{}", self.query)
        }
    }
}

/// A name as typed: trimmed, inner runs of spaces made one, 1 to [`MAX_NAME_CHARS`]
/// characters, no control characters.
pub fn normalise_name(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = name.chars().count();
    ((1..=MAX_NAME_CHARS).contains(&count) && !name.chars().any(char::is_control)).then_some(name)
}

/// The query to store for what the page sent: parsed strictly (unknown or repeated fields and
/// overlong values refuse it), rewritten in the calculator's own order and encoding, and, for a
/// role that does not see host figures, in the client view.
pub fn canonical_query(query: &str, sees_host_figures: bool) -> Option<String> {
    let scenario = Scenario::parse_query(query)?;
    let scenario = if sees_host_figures {
        scenario
    } else {
        scenario.into_client_view().0
    };
    Some(scenario.to_query())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            normalise_name("  S21 XP   at  5¢ ").as_deref(),
            Some("S21 XP at 5¢")
        );
        assert_eq!(normalise_name("   "), None);
        assert_eq!(normalise_name(&"x".repeat(81)), None);
        assert_eq!(
            normalise_name(&"矿".repeat(80)).map(|n| n.chars().count()),
            Some(80)
        );
    }

    #[test]
    fn the_stored_query_is_canonical_and_the_client_view_has_no_host_side() {
        let query = "electricity_usd_kwh=0.05&model=Antminer+S19+Pro\
                     &hosting_markup_usd_kwh=0.02&host_site_cost_usd_kwh=0.04";
        let host = canonical_query(query, true).unwrap();
        assert!(host.starts_with("model=Antminer%20S19%20Pro&electricity_usd_kwh=0.05"));
        assert!(host.contains("host_site_cost_usd_kwh=0.04"));
        let client = canonical_query(query, false).unwrap();
        assert!(client.contains("electricity_usd_kwh=0.07"), "{client}");
        assert!(!client.contains("host_site_cost"), "{client}");
        assert!(!client.contains("markup"), "{client}");
        assert_eq!(canonical_query("colour=red", true), None);
    }

    #[test]
    fn a_saved_scenario_opens_the_calculator() {
        let saved = SavedScenario {
            scenario_id: 1,
            name: "n".into(),
            query: "count=2".into(),
            updated_at_ms: 0,
        };
        assert_eq!(saved.href(), "/calculator?count=2");
    }
}
