static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/rust-no-database");

fn main() {
    println!("{}", MIGRATIONS.len());
}
