static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/cycle");

fn main() {
    println!("{}", MIGRATIONS.len());
}
