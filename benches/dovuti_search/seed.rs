//! The benchmark's table: `n` dovuti over ten entities and fifty due types, created over
//! two years in id order, with the spread of states, debtors, amounts and dates a region
//! has; every row's facts can be computed again from its number to draw query values.

#[path = "ranges.rs"]
mod ranges;

pub use ranges::range_cases;

use super::Baseline;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use mypay::db::models::new_dovuti::{self, NewRow};
use mypay::db::models::registry::{self, NewDueType, NewEntity};
use mypay::db::stamp::{Day, Stamp};
use mypay::db::{write_tx, AnyConnection, DatabaseUrl, Db};

pub const ENTITIES: usize = 10;
pub const DUE_TYPES: usize = 5;
const PEOPLE: usize = 2_000_000;
const SURNAMES: [&str; 40] = [
    "ROSSI",
    "RUSSO",
    "FERRARI",
    "ESPOSITO",
    "BIANCHI",
    "ROMANO",
    "COLOMBO",
    "RICCI",
    "MARINO",
    "GRECO",
    "BRUNO",
    "GALLO",
    "CONTI",
    "DE LUCA",
    "MANCINI",
    "COSTA",
    "GIORDANO",
    "RIZZO",
    "LOMBARDI",
    "MORETTI",
    "BARBIERI",
    "FONTANA",
    "SANTORO",
    "MARIANI",
    "RINALDI",
    "CARUSO",
    "FERRARA",
    "GALLI",
    "MARTINI",
    "LEONE",
    "LONGO",
    "GENTILE",
    "MARTINELLI",
    "VITALE",
    "LOMBARDO",
    "SERRA",
    "COPPOLA",
    "DE SANTIS",
    "D'ANGELO",
    "ZANETTI",
];
const NAMES: [&str; 30] = [
    "MARIO",
    "GIULIA",
    "LUCA",
    "FRANCESCA",
    "MARCO",
    "CHIARA",
    "ANDREA",
    "SARA",
    "GIUSEPPE",
    "ELENA",
    "PAOLO",
    "ANNA",
    "STEFANO",
    "LAURA",
    "ALESSANDRO",
    "MARTINA",
    "MATTEO",
    "SILVIA",
    "DAVIDE",
    "VALENTINA",
    "SIMONE",
    "ELISA",
    "ROBERTO",
    "FEDERICA",
    "ANTONIO",
    "ALICE",
    "FRANCESCO",
    "SOFIA",
    "LORENZO",
    "GIORGIA",
];
const STATES: [(&str, u64); 6] = [
    ("PREDISPOSTO", 60),
    ("COMPLETATO", 25),
    ("ANNULLATO", 5),
    ("SCADUTO", 5),
    ("PAGAMENTO_INIZIATO", 3),
    ("ERROR_DOVUTO", 2),
];

/// A scratch database, dropped with this.
pub struct Scratch(
    Option<(String, String)>,
    #[allow(dead_code)] Option<tempfile::TempDir>,
);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.0 {
            if let Ok(mut c) = diesel::PgConnection::establish(admin) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A migrated database of `backend`: a scratch one, or with `keep` one kept between runs
/// (`target/dovuti-search-N.sqlite3`, PostgreSQL database `mypay_search_bench_keep_N`).
pub fn open(backend: &str, rows: usize, keep: bool) -> anyhow::Result<(Db, Scratch)> {
    let (url, scratch) = if backend == "postgres" {
        let admin = std::env::var("PG_ADMIN_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = match keep {
            true => format!("mypay_search_bench_keep_{rows}"),
            false => format!("mypay_search_bench_{}", std::process::id()),
        };
        let mut c = diesel::PgConnection::establish(&admin)?;
        let exists: i64 = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM pg_database WHERE datname = '{name}'"
        ))
        .get_result::<Count>(&mut c)?
        .n;
        if exists == 0 {
            c.batch_execute(&format!("CREATE DATABASE {name}"))?;
        }
        let url = format!(
            "{}/{name}",
            &admin[..admin.rfind('/').unwrap_or(admin.len())]
        );
        (url, Scratch((!keep).then_some((admin, name)), None))
    } else if keep {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("target/dovuti-search-{rows}.sqlite3"));
        (format!("sqlite://{}", file.display()), Scratch(None, None))
    } else {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
        (url, Scratch(None, Some(dir)))
    };
    let db = Db::open(
        &DatabaseUrl::parse(&url).map_err(|e| anyhow::anyhow!("{e:?}"))?,
        2,
    )?;
    db.migrate()?;
    Ok((db, scratch))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The seeding a kept database already holds, when it holds `n` rows.
pub fn seeded(db: &Db, n: usize) -> anyhow::Result<Option<Seeded>> {
    use mypay::db::schema::{dovuti, due_types, entities};
    let mut c = db.get()?;
    let held: i64 = dovuti::table.count().get_result(&mut c)?;
    match held as usize {
        0 => return Ok(None),
        h if h != n => anyhow::bail!("the kept database holds {h} rows, not {n}: drop it"),
        _ => {}
    }
    Ok(Some(Seeded {
        n,
        entity_ids: entities::table
            .select(entities::id)
            .order(entities::id)
            .load(&mut c)?,
        due_type_ids: due_types::table
            .select(due_types::id)
            .order(due_types::id)
            .load(&mut c)?,
        start: start(),
        pg: matches!(&*c, AnyConnection::Postgresql(_)),
    }))
}

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(6, 0, 0)
        .unwrap()
}

/// What the seeding made, and how to recompute any row's facts.
pub struct Seeded {
    /// Rows.
    pub n: usize,
    /// The entities' ids.
    pub entity_ids: Vec<i64>,
    /// The due types' ids, `DUE_TYPES` per entity in entity order.
    pub due_type_ids: Vec<i64>,
    /// When the first row was created.
    pub start: NaiveDateTime,
    /// PostgreSQL.
    pub pg: bool,
}

/// A row's facts.
pub struct Facts {
    pub entity_id: i64,
    pub due_type_id: i64,
    pub iud: String,
    pub iuv: String,
    pub state: &'static str,
    pub debtor_id: String,
    pub debtor_name: String,
    pub amount_cents: i64,
    pub created_at: NaiveDateTime,
    pub due_date: NaiveDate,
}

fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ (x >> 29)
}

impl Seeded {
    /// Row `i` (taken modulo the rows).
    pub fn row(&self, i: usize) -> Facts {
        let i = i % self.n;
        let h = mix(i as u64);
        let e = i % ENTITIES;
        let person = (h % PEOPLE as u64) as usize;
        let mut pct = (h >> 32) % 100;
        let state = STATES
            .iter()
            .find(|(_, p)| {
                let hit = pct < *p;
                if !hit {
                    pct -= p;
                }
                hit
            })
            .map_or("PREDISPOSTO", |s| s.0);
        let span = 2 * 365 * 24 * 3600;
        let created_at = self.start + Duration::seconds((i as i64 * span) / self.n as i64);
        Facts {
            entity_id: self.entity_ids[e],
            due_type_id: self.due_type_ids[e * DUE_TYPES + (i / ENTITIES) % DUE_TYPES],
            iud: format!("B{i:010}"),
            iuv: format!("{:02}{:015}", e + 1, i),
            state,
            debtor_id: format!("BNCH{person:010}X{:01}", person % 10),
            debtor_name: format!(
                "{} {}",
                self.surname(person),
                NAMES[(person / SURNAMES.len()) % NAMES.len()]
            ),
            amount_cents: 100 + ((h >> 8) % 99_900) as i64,
            created_at,
            due_date: created_at.date() + Duration::days(30 + ((h >> 16) % 60) as i64),
        }
    }

    /// The surname of person `p`.
    pub fn surname(&self, p: usize) -> &'static str {
        SURNAMES[p % SURNAMES.len()]
    }

    /// The bare ordered read of a name prefix on the index's expression.
    pub fn name_baseline(&self, prefix: &str) -> Baseline {
        Baseline::Texts(
            self.name_sql(),
            prefix.to_uppercase(),
            format!("{}\u{10FFFF}", prefix.to_uppercase()),
        )
    }

    fn name_sql(&self) -> &'static str {
        match self.pg {
            true => "SELECT id FROM dovuti WHERE upper(debtor_name) COLLATE \"C\" >= ? AND upper(debtor_name) COLLATE \"C\" < ? ORDER BY id DESC LIMIT 26",
            false => "SELECT id FROM dovuti WHERE upper(debtor_name) >= ? AND upper(debtor_name) < ? ORDER BY id DESC LIMIT 26",
        }
    }
}

fn registry(c: &mut AnyConnection, now: NaiveDateTime) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
    let (mut entities, mut due_types) = (Vec::new(), Vec::new());
    for e in 0..ENTITIES {
        let (cod, cf, seg) = (
            format!("bench_{e}"),
            format!("{:011}", 90_000_000_000u64 + e as u64),
            format!("{:02}", e + 1),
        );
        let id = registry::insert_entity(
            c,
            &NewEntity {
                cod_ipa: &cod,
                fiscal_code: &cf,
                name: &cod,
                sector: None,
                email: None,
                state: "ESERCIZIO",
                station_id: None,
                segregation_code: &seg,
                ws_password_hash: None,
                return_url: None,
                created_at: now,
                updated_at: now,
            },
        )?;
        entities.push(id);
        for d in 0..DUE_TYPES {
            let code = format!("TIPO{d}");
            due_types.push(registry::insert_due_type(
                c,
                &NewDueType {
                    entity_id: id,
                    code: &code,
                    description: &code,
                    bank_iban: Some("IT60X0542811101000000123456"),
                    postal_iban: None,
                    postal_account_holder: None,
                    collection_data: "9/0101108TS/",
                    spontaneous: false,
                    form_fields: None,
                    fixed_amount_cents: None,
                    default_bilancio: None,
                    due_date_required: false,
                    active: true,
                    node_service_id: None,
                    created_at: now,
                    updated_at: now,
                },
            )?);
        }
    }
    Ok((entities, due_types))
}

/// Fills the table with `n` rows.
pub fn seed(db: &Db, n: usize) -> anyhow::Result<Seeded> {
    let start = start();
    let mut c = mypay::db::bulk::BulkWrites::new(db)?;
    let (entity_ids, due_type_ids) = registry(&mut c, start)?;
    let pg = matches!(&*c, AnyConnection::Postgresql(_));
    let s = Seeded {
        n,
        entity_ids,
        due_type_ids,
        start,
        pg,
    };
    const CHUNK: usize = 20_000;
    for first in (0..n).step_by(CHUNK) {
        let facts: Vec<Facts> = (first..(first + CHUNK).min(n)).map(|i| s.row(i)).collect();
        let stamps: Vec<(Stamp, Day)> = facts
            .iter()
            .map(|f| (Stamp::new(f.created_at), Day::new(f.due_date)))
            .collect();
        let rows: Vec<NewRow> = facts
            .iter()
            .zip(&stamps)
            .map(|(f, st)| new_row(f, st))
            .collect();
        write_tx(&mut c, |c| new_dovuti::write(c, &rows))?;
    }
    // A payment time within 60 days of creation for every paid row, in one statement.
    let paid = if pg {
        "UPDATE dovuti SET paid_at = created_at + ((id * 7919) % 5184000) * interval '1 second' WHERE state = 'COMPLETATO'"
    } else {
        "UPDATE dovuti SET paid_at = datetime(created_at, '+' || ((id * 7919) % 5184000) || ' seconds') WHERE state = 'COMPLETATO'"
    };
    mypay::with_backend!(&mut *c, raw => raw.batch_execute(paid))?;
    if pg {
        // What autovacuum does after a load this size (PostgreSQL 13+ vacuums after
        // inserts): statistics, and the visibility map that index-only scans need.
        mypay::with_backend!(&mut *c, raw => raw.batch_execute("VACUUM (ANALYZE) dovuti"))?;
    }
    Ok(s)
}

fn new_row<'a>(f: &'a Facts, (at, due): &'a (Stamp, Day)) -> NewRow<'a> {
    NewRow {
        entity_id: f.entity_id,
        due_type_id: f.due_type_id,
        iud: &f.iud,
        iuv: Some(f.iuv.clone()),
        notice_number: Some(format!("3{}", f.iuv)),
        state: f.state,
        debtor_kind: "F",
        debtor_id: &f.debtor_id,
        debtor_name: &f.debtor_name,
        debtor_address: None,
        debtor_civic_number: None,
        debtor_postal_code: None,
        debtor_city: None,
        debtor_province: None,
        debtor_country: None,
        debtor_email: None,
        amount_cents: f.amount_cents,
        pa_fee_cents: None,
        due_date: Some(due.clone()),
        causale: "Bench",
        collection_data: "9/0101108TS/",
        bilancio: None,
        generate_iuv: true,
        flusso_id: None,
        flusso_row: None,
        version: 0,
        created_at: at,
        updated_at: at,
        iuv_assigned_at: Some(at),
    }
}
