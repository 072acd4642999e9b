// `sqlx::migrate!` embeds the migration files at compile time; without this,
// cargo would not rebuild the store when a migration is added or edited.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
