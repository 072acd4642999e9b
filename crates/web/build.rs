// The Fluent files and templates are embedded at compile time; without this,
// cargo would not rebuild the web crate when a locale file is added.
fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
}
