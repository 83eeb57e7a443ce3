//! Generates the typed `i18n` module from `locales/*.json`, so a missing or misspelt
//! translation key is a compile error rather than a blank on screen.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::options::CodegenOptions;
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is set by cargo")?;
    let i18n_dir = PathBuf::from(out_dir).join("i18n");

    // interpolate_display: messages with values can be built as plain strings (t_string!).
    let config = Config::new("en")?
        .add_locale("zh")?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(config)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    // Generated code is third-party style; our pedantic lints are for code we write.
    let attributes = "#![allow(clippy::all, clippy::pedantic, missing_docs, unused)]".parse()?;
    infos.generate_i18n_module_with_options(
        i18n_dir,
        CodegenOptions::new().top_level_attributes(Some(attributes)),
    )?;
    Ok(())
}
