static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/malformed-header");

fn main() {
    println!("{}", MIGRATIONS.len());
}
