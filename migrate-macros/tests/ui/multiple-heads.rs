static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/multiple-heads");

fn main() {
    println!("{}", MIGRATIONS.len());
}
