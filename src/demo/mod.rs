//! `mypay demo`: seeds a demo intermediary, station, two entities with due types, operators
//! and a few hundred dovuti in various states. Running it again changes nothing (unless
//! asked to reset the admin password).

mod notices;
mod people;

use crate::app::App;
use crate::db::models::{dovuto, dovuto::NewDovuto, operator, registry};
use crate::db::{iuv::next_iuvs, write_tx, AnyConnection, DbError};
use crate::domain::{random::RandomSource, AuxDigit, DovutoState, NoticeNumber, SegregationCode};
use crate::security::hash_password;
use chrono::{Duration, NaiveDateTime};

/// The demo intermediary's idBrokerPA.
pub fn broker_code() -> String {
    people::partita_iva("9700000001")
}

/// What `demo` prints.
pub struct Report {
    /// idBrokerPA.
    pub broker: String,
    /// idStation.
    pub station: String,
    /// Newly generated credentials: (what, login, password).
    pub credentials: Vec<(String, String, String)>,
    /// Whether data was seeded now (false when it already existed).
    pub seeded: bool,
    /// Payable notices: (entity fiscal code, notice number, amount cents, debtor).
    pub notices: Vec<(String, String, i64, String)>,
}

impl Report {
    /// Human-readable summary.
    pub fn render(&self, base: &str) -> String {
        let mut s = String::from("\n=== mypay demo ===\n");
        s += &format!("Back office : {base}/admin\nHealth      : {base}/health\n");
        s += &format!("Node SOAP   : {base}/pagopa/paForNode (WSDL: ?wsdl)\n");
        s += &format!(
            "idBrokerPA  : {}\nidStation   : {}\n",
            self.broker, self.station
        );
        if self.seeded {
            s += "Demo data   : seeded now\n";
        } else {
            s += "Demo data   : already present (left unchanged)\n";
        }
        if self.credentials.is_empty() {
            s += "Credentials : printed on the first run only (`mypay demo --reset-admin-password` makes a new admin password)\n";
        }
        for (what, login, pw) in &self.credentials {
            s += &format!("{what:<13}: {login} / {pw}\n");
        }
        s += "Payable notices (entity fiscal code, notice number, amount, debtor):\n";
        for (cf, n, cents, who) in &self.notices {
            let amount = crate::format::euro(*cents);
            s += &format!("  {cf}  {n}  {amount:>12}  {who}\n");
        }
        s
    }
}

/// Seeds the demo data if absent; always reports ids and some payable notices.
pub fn seed(app: &App, reset_admin_password: bool) -> anyhow::Result<Report> {
    let mut conn = app.db.get()?;
    let now = app.now();
    let broker = broker_code();
    let station = format!("{broker}_01");
    let exists = registry::broker_exists(&mut conn, &broker)?;
    let mut credentials = Vec::new();
    if !exists {
        credentials = write_tx(&mut conn, |c| {
            seed_all(c, app.random.as_ref(), now, &broker, &station)
        })?;
    } else if reset_admin_password {
        let pw = app.random.password(16);
        let hash = hash_password(&pw)?;
        // Demo credentials are for trying the gateway: no forced change.
        operator::set_password(&mut conn, "admin", &hash, false, app.clock.now_naive())?;
        credentials.push(("Admin".into(), "admin".into(), pw));
    }
    let notices = dovuto::payable_notices(&mut conn, 5)?;
    Ok(Report {
        broker,
        station,
        credentials,
        seeded: !exists,
        notices,
    })
}

/// A due type to create: (code, description, collection data, postal, spontaneous, fixed
/// amount, form, Catalogo Servizi id).
type DueTypeSpec = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    Option<i64>,
    Option<&'static str>,
    Option<&'static str>,
);

const SPONTANEOUS_FORM: &str = r#"[{"name":"targa","label":"Targa del veicolo","type":"text","required":true,"pattern":"[A-Z0-9]{5,8}"},{"name":"data_verbale","label":"Data del verbale","type":"date","required":true},{"name":"numero_verbale","label":"Numero del verbale","type":"text","required":true,"max_length":20}]"#;

/// An entity to create: IPA code, first ten digits of its fiscal code, name, segregation
/// code, due types.
type EntitySpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Vec<DueTypeSpec>,
);

/// A due type that gets demo dovuti: (entity, due type, code, collection data, segregation).
type DovutiSpec = (i64, i64, &'static str, &'static str, SegregationCode);

/// Generated credentials: (what, login, password).
type Credentials = Vec<(String, String, String)>;

fn hashed(pw: &str) -> Result<String, DbError> {
    hash_password(pw).map_err(DbError::from)
}

/// The demo entities and their due types.
fn entity_specs() -> [EntitySpec; 2] {
    let plain = |code, description, collection| -> DueTypeSpec {
        (
            code,
            description,
            collection,
            false,
            false,
            None,
            None,
            None,
        )
    };
    [
        (
            "c_demo",
            "8000000001",
            "Comune di Borgo Demo",
            "01",
            vec![
                (
                    "TARI",
                    "Tassa rifiuti",
                    "9/0101101IM/",
                    true,
                    false,
                    None,
                    None,
                    None,
                ),
                plain("MENSA", "Mensa scolastica", "9/0201133IM/"),
                plain("CDS", "Violazioni al Codice della Strada", "9/0101108TS/"),
                (
                    "CDS_SPONT",
                    "Pagamento verbale (spontaneo)",
                    "9/0101108TS/",
                    false,
                    true,
                    None,
                    Some(SPONTANEOUS_FORM),
                    Some("00001"),
                ),
            ],
        ),
        (
            "aulss_demo",
            "0200000002",
            "Azienda ULSS Demo",
            "02",
            vec![
                plain("TICKET", "Ticket sanitario", "9/0301109SP/"),
                (
                    "CERT",
                    "Certificato medico sportivo (spontaneo)",
                    "9/0301109SP/",
                    false,
                    true,
                    Some(4000),
                    None,
                    Some("00002"),
                ),
            ],
        ),
    ]
}

fn seed_all(
    c: &mut AnyConnection,
    random: &dyn RandomSource,
    now: NaiveDateTime,
    broker: &str,
    station: &str,
) -> Result<Credentials, DbError> {
    let station_id = seed_station(c, now, broker, station)?;
    let mut credentials = Vec::new();
    let mut dovuti_specs = Vec::new();
    for (n, spec) in entity_specs().into_iter().enumerate() {
        let ws_pw = random.password(16);
        let entity_id = seed_entity(c, now, station_id, &spec, &hashed(&ws_pw)?)?;
        credentials.push((format!("WS {}", spec.0), spec.0.to_string(), ws_pw));
        dovuti_specs.extend(seed_due_types(c, now, entity_id, n, &spec)?);
        if n == 0 {
            let pw = random.password(16);
            let op = seed_operator(
                c,
                now,
                "operatore.borgo",
                "Operatore Comune di Borgo Demo",
                &pw,
                operator::ROLE_OPERATOR,
            )?;
            operator::grant_entity(c, op, entity_id, operator::Grant::default())?;
            credentials.push(("Operator".into(), "operatore.borgo".into(), pw));
        }
    }
    let pw = random.password(16);
    seed_operator(
        c,
        now,
        "admin",
        "Amministratore regionale",
        &pw,
        operator::ROLE_ADMIN,
    )?;
    credentials.insert(0, ("Admin".into(), "admin".into(), pw));
    seed_dovuti(c, now, &dovuti_specs)?;
    notices::decorate(c, now)?;
    if let Some((e, d, _, coll, seg)) = dovuti_specs.iter().find(|s| s.2 == "TARI") {
        notices::seed_plan(c, now, (*e, *d, coll, *seg))?;
    }
    Ok(credentials)
}

/// The intermediary and its station; returns the station's id.
fn seed_station(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    broker: &str,
    station: &str,
) -> Result<i64, DbError> {
    let broker = registry::NewBroker {
        code: broker,
        name: "Intermediario Demo",
        created_at: now,
    };
    let broker_id = registry::insert_broker(c, &broker)?;
    let station = registry::NewStation {
        broker_id,
        code: station,
        aux_digit: 3,
        primitive_version: "V2",
        broadcast: false,
        application_code: None,
        node_password: None,
        created_at: now,
    };
    registry::insert_station(c, &station)
}

/// One entity, in production on the station; returns its id.
fn seed_entity(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    station_id: i64,
    (ipa, cf10, name, seg, _): &EntitySpec,
    ws_hash: &str,
) -> Result<i64, DbError> {
    let fiscal_code = people::partita_iva(cf10);
    registry::insert_entity(
        c,
        &registry::NewEntity {
            cod_ipa: ipa,
            fiscal_code: &fiscal_code,
            name,
            sector: Some("Servizi al cittadino"),
            email: Some("tributi@example.org"),
            state: "ESERCIZIO",
            station_id: Some(station_id),
            segregation_code: seg,
            ws_password_hash: Some(ws_hash),
            return_url: Some("http://127.0.0.1:9/portale/esito"),
            created_at: now,
            updated_at: now,
        },
    )
}

/// The entity's due types (the `n`th entity's accounts); returns those that get dovuti.
fn seed_due_types(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    entity_id: i64,
    n: usize,
    (_, _, name, seg, dts): &EntitySpec,
) -> Result<Vec<DovutiSpec>, DbError> {
    let rule = |e: crate::domain::InvalidIdentifier| DbError::Rule(e.to_string());
    let mut specs = Vec::new();
    for (k, (code, desc, coll, postal, spont, fixed, form, service)) in dts.iter().enumerate() {
        let account = (n as u64 + 1) * 1000 + k as u64;
        let bank = people::iban(account, false).map_err(rule)?;
        let post = match postal {
            true => Some(people::iban(account, true).map_err(rule)?),
            false => None,
        };
        let id = registry::insert_due_type(
            c,
            &registry::NewDueType {
                entity_id,
                code,
                description: desc,
                bank_iban: Some(bank.as_str()),
                postal_iban: post.as_ref().map(|p| p.as_str()),
                postal_account_holder: post.as_ref().map(|_| *name),
                collection_data: coll,
                spontaneous: *spont,
                form_fields: *form,
                fixed_amount_cents: *fixed,
                default_bilancio: None,
                due_date_required: false,
                node_service_id: *service,
                active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
        if !spont {
            specs.push((
                entity_id,
                id,
                *code,
                *coll,
                SegregationCode::parse(seg).map_err(rule)?,
            ));
        }
    }
    Ok(specs)
}

/// An operator with password `pw`; returns its id.
fn seed_operator(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    username: &str,
    full_name: &str,
    pw: &str,
    role: &str,
) -> Result<i64, DbError> {
    operator::insert(
        c,
        &operator::NewOperator {
            username,
            full_name,
            email: None,
            password_hash: &hashed(pw)?,
            role,
            must_change_password: false,
            created_at: now,
        },
    )
}

/// 320 dovuti spread over the due types: 60 % payable, the rest paid, expired, cancelled...
fn seed_dovuti(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    specs: &[DovutiSpec],
) -> Result<(), DbError> {
    const PER_TYPE: usize = 80;
    let mut rows = Vec::new();
    for (t, (entity_id, due_type_id, code, coll, seg)) in specs.iter().enumerate() {
        let iuvs = next_iuvs(c, *entity_id, *seg, PER_TYPE as i64)?;
        for (i, iuv) in iuvs.into_iter().enumerate() {
            let k = t * PER_TYPE + i;
            let who = if k % 9 == 4 {
                people::company(k)
            } else {
                people::person(k)
            };
            let state = match k % 20 {
                12..=14 => DovutoState::Paid,
                15 => DovutoState::Expired,
                16 => DovutoState::Cancelled,
                17 => DovutoState::PaymentStarted,
                18 => DovutoState::Disabled,
                _ => DovutoState::Payable,
            };
            let due = match (state, k % 20) {
                (_, 19) => None,
                (DovutoState::Expired, _) => Some(now.date() - Duration::days(30 + k as i64 % 60)),
                _ => Some(now.date() + Duration::days(15 + (k as i64 * 13) % 180)),
            };
            let notice = NoticeNumber::from_iuv(AuxDigit::Three, None, &iuv)
                .map_err(|e| DbError::Rule(e.to_string()))?;
            let amount = 1000 + (k as i64 * 7919) % 48_000;
            rows.push(NewDovuto {
                entity_id: *entity_id,
                due_type_id: *due_type_id,
                iud: format!("DEMO-{code}-{k:06}"),
                notice_number: Some(notice.as_str().to_owned()),
                iuv: Some(iuv.as_str().to_owned()),
                state,
                debtor_kind: who.kind.to_owned(),
                debtor_id: who.fiscal_code,
                debtor_name: who.name,
                debtor_email: Some(who.email),
                amount_cents: amount,
                due_date: due,
                causale: format!(
                    "/RFB/{iuv}/{}/TXT/{code} rata unica",
                    crate::domain::AmountCents::from_cents(amount)
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                ),
                collection_data: coll.to_string(),
                generate_iuv: true,
                created_at: now,
                updated_at: now,
                iuv_assigned_at: Some(now),
                paid_at: (state == DovutoState::Paid)
                    .then_some(now - Duration::days(k as i64 % 20)),
                flusso_id: None,
                plan_code: None,
                instalment: None,
                bilancio: None,
            });
        }
    }
    dovuto::insert_many(c, &rows)?;
    Ok(())
}
