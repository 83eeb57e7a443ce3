//! The model names an import accepts.

use std::collections::HashMap;

/// The catalogue's model names, looked up the way people type them: case and runs of spaces
/// do not matter ("antminer  s19 PRO" is "Antminer S19 Pro"), and the catalogue's spelling is
/// what gets stored, so one model never appears under several names.
#[derive(Debug, Clone, Default)]
pub struct ModelCatalogue {
    by_key: HashMap<String, String>,
}

impl ModelCatalogue {
    /// A catalogue of these names; of two that differ only in case or spacing the first wins.
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut by_key = HashMap::new();
        for name in names {
            let name: String = name.into();
            by_key.entry(key(&name)).or_insert(name);
        }
        Self { by_key }
    }

    /// The catalogue's spelling of `name`, if it is a model of the catalogue.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.by_key.get(&key(name)).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_regardless_of_case_and_spacing_and_keep_the_catalogue_spelling() {
        let catalogue =
            ModelCatalogue::new(["Antminer S19 Pro", "Whatsminer M50S", "antminer s19 pro"]);
        assert_eq!(catalogue.len(), 2);
        assert_eq!(
            catalogue.canonical(" antminer  S19 PRO"),
            Some("Antminer S19 Pro")
        );
        assert_eq!(
            catalogue.canonical("whatsminer m50s"),
            Some("Whatsminer M50S")
        );
        assert_eq!(catalogue.canonical("Antminer S19"), None);
    }
}
