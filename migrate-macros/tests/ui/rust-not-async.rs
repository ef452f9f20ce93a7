static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/rust-not-async", database = "sqlite");

fn main() {
    println!("{}", MIGRATIONS.len());
}
