static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/dangling-parent");

fn main() {
    println!("{}", MIGRATIONS.len());
}
