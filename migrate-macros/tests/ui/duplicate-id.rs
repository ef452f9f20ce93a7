static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/duplicate-id");

fn main() {
    println!("{}", MIGRATIONS.len());
}
