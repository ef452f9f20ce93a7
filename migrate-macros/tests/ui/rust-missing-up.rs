static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/rust-missing-up");

fn main() {
    println!("{}", MIGRATIONS.len());
}
