//! paDemandPaymentNotice — `paForNode.wsdl`, messages `paDemandPaymentNoticeRequest` /
//! `paDemandPaymentNoticeResponse` of `paForNode.xsd` 1.0.0.
//! A PSP asks us to create a notice for a spontaneous service (Catalogo Servizi): the
//! service is the entity's spontaneous due type registered with that `idServizio`; the
//! base64 service data is an XML document whose values fill the due type's form fields.

use super::fault::{Fault, FaultCode};
use super::routing::Route;
use super::{wire, Fails};
use crate::app::App;
use crate::db::models::registry::{self, DueType};
use crate::db::models::{dovuto, dovuto::NewDovuto};
use crate::db::{iuv::next_iuv, write_tx, AnyConnection, DbError};
use crate::domain::form::FormDefinition;
use crate::domain::{
    AmountCents, AuxDigit, DovutoState, FiscalCode, Iuv, NoticeNumber, SegregationCode,
};
use crate::soap::seq::{SchemaError, Seq};
use crate::soap::writer::{truncate_chars, XmlWriter};
use crate::soap::xml::{self, Limits, Node};
use crate::soap::{Handled, Request};
use base64::Engine;
use std::collections::HashMap;

/// Element names read as the debtor's fiscal code, name and amount, in order of preference.
const CF_FIELDS: [&str; 4] = [
    "codiceFiscale",
    "codiceIdentificativoUnivoco",
    "cfContribuente",
    "identificativoUnivocoVersante",
];
const NAME_FIELDS: [&str; 4] = [
    "anagrafica",
    "denominazione",
    "ragioneSociale",
    "nomeCognome",
];

/// Handles one call.
#[tracing::instrument(skip_all)]
pub async fn handle(app: &App, req: &Request) -> Handled {
    let body = &req.body;
    let mut seen = Handled::to(req);
    let parsed = (|| {
        let mut s = Seq::root(body)?;
        let caller = wire::caller(&mut s)?;
        let service = s.text("idServizio", 5, 5)?;
        let subject = s.text("idSoggettoServizio", 5, 5)?;
        let path = s.path_of("datiSpecificiServizioRequest");
        let data = s.text("datiSpecificiServizioRequest", 1, 1 << 20)?;
        s.end()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.split_whitespace().collect::<String>())
            .map_err(|_| SchemaError {
                path,
                message: "not base64".into(),
            })?;
        Ok::<_, Fault>((caller, service, subject, bytes))
    })();
    let (caller, service, subject, data) = match parsed {
        Ok(p) => p,
        Err(f) => return seen.fail(f, body),
    };
    seen.entity_cf = Some(caller.id_pa.clone());
    let fields = match service_fields(&data) {
        Ok(f) => f,
        Err(f) => return seen.fail_for(f, &caller.id_pa),
    };
    let now = app.now();
    let (c, routes) = (caller.clone(), app.routes.clone());
    let created = app
        .db
        .write(move |conn| {
            let route = match super::routing::resolve(&routes, conn, &c)? {
                Ok(r) => r,
                Err(f) => return Ok(Err(f)),
            };
            create(conn, &route, &service, &subject, &fields, now).map(|r| r.map(|ok| (route, ok)))
        })
        .await;
    match created {
        Ok(Ok((route, (due_type, notice, amount, causale)))) => {
            seen.entity_id = Some(route.entity.id);
            seen.iuv = Some(notice.iuv().as_str().to_owned());
            seen.notice = Some(notice.as_str().to_owned());
            seen.ok(render(&route, &due_type, &notice, amount, &causale))
        }
        Ok(Err(f)) => seen.fail_for(f, &caller.id_pa),
        Err(e) => seen.system_error(e, &caller.id_pa),
    }
}

/// The leaf values of the service document, by local name.
fn service_fields(data: &[u8]) -> Result<HashMap<String, String>, Fault> {
    let doc = xml::parse_bytes(
        data,
        Limits {
            max_depth: 16,
            max_nodes: 500,
        },
    )
    .map_err(|e| {
        Fault::new(
            FaultCode::SintassiXsd,
            format!("datiSpecificiServizioRequest: {e}"),
        )
    })?;
    let mut out = HashMap::new();
    fn walk(n: &Node, out: &mut HashMap<String, String>) {
        if n.children.is_empty() {
            out.entry(n.name.clone())
                .or_insert_with(|| n.value().to_owned());
        }
        n.children.iter().for_each(|c| walk(c, out));
    }
    walk(&doc, &mut out);
    Ok(out)
}

type Created = (DueType, NoticeNumber, AmountCents, String);

fn create(
    conn: &mut AnyConnection,
    route: &Route,
    service: &str,
    subject: &str,
    fields: &HashMap<String, String>,
    now: chrono::NaiveDateTime,
) -> Result<Result<Created, Fault>, DbError> {
    let semantic = |m: String| Ok(Err(Fault::new(FaultCode::Semantica, m)));
    let Some(due_type) = registry::spontaneous_due_type(conn, route.entity.id, service)? else {
        return semantic(format!("servizio {service} non attivo per l'ente"));
    };
    let debt = match check(&due_type, fields) {
        Ok(debt) => debt,
        Err(problem) => return semantic(problem),
    };
    let seg = SegregationCode::parse(&route.entity.segregation_code)
        .map_err(|e| DbError::Rule(e.to_string()))?;
    let (notice, causale) = write_tx(conn, |conn| {
        let iuv = next_iuv(conn, route.entity.id, seg)?;
        let iud = format!("NODO-{service}-{subject}-{iuv}");
        insert(conn, (route.entity.id, &due_type), &iud, &iuv, &debt, now)
    })?;
    Ok(Ok((due_type, notice, debt.amount, causale)))
}

/// Who owes what, as a demand's service data says.
struct Debt {
    debtor: FiscalCode,
    name: String,
    amount: AmountCents,
}

/// Reads the debtor and the amount from the service data of a demand for `due_type`:
/// the fiscal code, every field of the due type's form (checked by its definition), and the amount (the due
/// type's fixed one, or `importo`). The error is the reason, for the node's fault.
fn check(due_type: &DueType, fields: &HashMap<String, String>) -> Result<Debt, String> {
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| fields.get(*n))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let Some(debtor) = get(&CF_FIELDS).and_then(|v| FiscalCode::parse(&v.to_uppercase()).ok())
    else {
        return Err("codice fiscale del debitore mancante o non valido".into());
    };
    let form = FormDefinition::parse(due_type.form_fields.as_deref())
        .map_err(|e| format!("servizio non configurato: {e}"))?;
    if let Err(errors) = form.validate(|name| fields.get(name).map(String::as_str)) {
        let text: Vec<String> = errors
            .iter()
            .map(|e| format!("campo {}: {}", e.name, e.reason))
            .collect();
        return Err(text.join("; "));
    }
    let amount = match due_type.fixed_amount_cents {
        Some(c) => AmountCents::from_cents(c).ok(),
        None => fields
            .get("importo")
            .and_then(|v| AmountCents::parse(v).ok()),
    };
    let Some(amount) = amount.filter(|a| a.cents() > 0) else {
        return Err("importo mancante o non valido".into());
    };
    let name = get(&NAME_FIELDS).unwrap_or_else(|| debtor.as_str().to_owned());
    Ok(Debt {
        debtor,
        name,
        amount,
    })
}

/// Stores the payable dovuto `iud` of the entity's `due_type` with `iuv`; returns its
/// notice number and causale.
fn insert(
    conn: &mut AnyConnection,
    (entity_id, due_type): (i64, &DueType),
    iud: &str,
    iuv: &Iuv,
    debt: &Debt,
    now: chrono::NaiveDateTime,
) -> Result<(NoticeNumber, String), DbError> {
    let notice = NoticeNumber::from_iuv(AuxDigit::Three, None, iuv)
        .map_err(|e| DbError::Rule(e.to_string()))?;
    let causale = format!("/RFB/{iuv}/{}/TXT/{}", debt.amount, due_type.description);
    let causale = truncate_chars(&causale, 140).to_owned();
    dovuto::insert_many(
        conn,
        &[NewDovuto {
            entity_id,
            due_type_id: due_type.id,
            iud: iud.to_owned(),
            iuv: Some(iuv.as_str().to_owned()),
            notice_number: Some(notice.as_str().to_owned()),
            state: DovutoState::Payable,
            debtor_kind: debt.debtor.kind().to_string(),
            debtor_id: debt.debtor.as_str().to_owned(),
            debtor_name: truncate_chars(&debt.name, 70).to_owned(),
            debtor_email: None,
            amount_cents: debt.amount.cents(),
            due_date: None,
            causale: causale.clone(),
            collection_data: due_type.collection_data.clone(),
            generate_iuv: true,
            created_at: now,
            updated_at: now,
            iuv_assigned_at: Some(now),
            paid_at: None,
            flusso_id: None,
            plan_code: None,
            instalment: None,
            bilancio: crate::bilancio::from_default(
                due_type.default_bilancio.as_deref(),
                debt.amount,
            ),
        }],
    )?;
    Ok((notice, causale))
}

fn render(
    route: &Route,
    due_type: &DueType,
    notice: &NoticeNumber,
    amount: AmountCents,
    causale: &str,
) -> String {
    let e = &route.entity;
    let mut w = XmlWriter::new();
    w.leaf("outcome", "OK")
        .open("qrCode")
        .leaf("fiscalCode", &e.fiscal_code)
        .leaf("noticeNumber", notice.as_str())
        .close("qrCode");
    wire::write_notice_answer(
        &mut w,
        &wire::NoticeAnswer {
            amount,
            due_date: None,
            detail: &due_type.description,
            all_ccp: super::transfers::is_postal_account(&due_type.postal_iban),
            description: causale,
            entity: e,
        },
    );
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_service_documents_and_form_definitions() {
        let doc = b"<d><soggetto><codiceFiscale>RSSMRA85T10A562S</codiceFiscale></soggetto><targa>AB123CD</targa></d>";
        let f = service_fields(doc).unwrap();
        assert_eq!(f["codiceFiscale"], "RSSMRA85T10A562S");
        assert_eq!(f["targa"], "AB123CD");
        assert!(service_fields(b"<!DOCTYPE d><d/>").is_err());
    }

    #[test]
    fn service_data_is_checked_by_the_due_type_form() {
        let form = r#"{"version":2,"fields":[{"name":"targa","label":"Targa","type":"text","required":true,"pattern":"[A-Z]{2}[0-9]{3}[A-Z]{2}"}]}"#;
        let mut dt = DueType {
            id: 1,
            entity_id: 1,
            code: "CDS".into(),
            description: "Codice della strada".into(),
            bank_iban: None,
            postal_iban: None,
            collection_data: "9/0101108TS/".into(),
            spontaneous: true,
            form_fields: Some(form.into()),
            fixed_amount_cents: Some(2500),
            active: true,
            node_service_id: Some("00001".into()),
            default_bilancio: None,
        };
        let fields = |targa: &str| {
            HashMap::from([
                ("codiceFiscale".to_owned(), "RSSMRA85T10A562S".to_owned()),
                ("targa".to_owned(), targa.to_owned()),
            ])
        };
        assert_eq!(check(&dt, &fields("AB123CD")).unwrap().amount.cents(), 2500);
        let err = check(&dt, &fields("AB12")).err().unwrap();
        assert_eq!(err, "campo targa: formato non valido");
        let err = check(&dt, &fields("")).err().unwrap();
        assert_eq!(err, "campo targa: obbligatorio");
        dt.form_fields = Some("not json".into());
        let err = check(&dt, &fields("AB123CD")).err().unwrap();
        assert!(err.starts_with("servizio non configurato"), "{err}");
    }
}
