static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/not-utf8");

fn main() {
    println!("{}", MIGRATIONS.len());
}
