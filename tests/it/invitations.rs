//! Invitations by e-mail: an administrator creates an account whose holder chooses the
//! password through a one-time link; the message goes through the outbox and the mail job
//! (here the file transport), never inside the request; a new invitation replaces the
//! previous link; a used or replaced link is refused.

use crate::operators::{operator_id, STRONG};
use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::mail_outbox;
use std::time::Duration;

/// The bodies of the messages sent to `to`, oldest first, once the mail job sent them
/// all (each also written as an `.eml` file naming its recipient).
async fn sent_to(s: &TestServer, to: &str, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let rows: Vec<(String, Option<chrono::NaiveDateTime>)> = {
            let mut c = s.state.db.get().unwrap();
            mail_outbox::table
                .filter(mail_outbox::to_address.eq(to))
                .order(mail_outbox::id)
                .select((mail_outbox::body, mail_outbox::sent_at))
                .load(&mut *c)
                .unwrap()
        };
        if rows.len() >= count && rows.iter().all(|r| r.1.is_some()) {
            let dir = s.state.config.mail.dir.clone();
            let files = std::fs::read_dir(&dir).expect("mail dir").count();
            assert!(files >= count, "an .eml per message in {}", dir.display());
            let eml: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
                .collect();
            assert!(
                eml.iter().any(|m| m.contains(&format!("To: {to}"))),
                "{eml:?}"
            );
            return rows.into_iter().map(|r| r.0).collect();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the mail job did not send {count} message(s) to {to}");
}

fn link_in(body: &str) -> String {
    let start = body.find("/admin/invito/").expect("a link in the message");
    let tail = &body[start..];
    let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
    tail[..end].to_owned()
}

async fn choose(b: &mut Browser, link: &str, password: &str) -> crate::support::Page {
    let csrf = csrf_of(&b.get(link).await.body);
    b.post(
        link,
        &[
            ("csrf", csrf.as_str()),
            ("password", password),
            ("confirm", password),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_operator_chooses_the_password_through_the_link() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let csrf = csrf_of(&admin.get("/admin/operators").await.body);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("username", "anna.verdi"),
        ("full_name", "Anna Verdi"),
        ("role", "entity-operator"),
        ("entity", "c_demo"),
        ("delivery", "invito"),
    ];
    let no_email = admin.post("/admin/operators", &form).await;
    assert_eq!(no_email.status, 422, "{}", no_email.body);
    assert!(
        no_email.body.contains("per invitare serve"),
        "{}",
        no_email.body
    );
    form.push(("email", "anna.verdi@example.it"));
    let made = admin.post("/admin/operators", &form).await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert!(
        made.body.contains("data-invited>anna.verdi@example.it"),
        "{}",
        made.body
    );
    assert!(!made.body.contains("data-password"), "no password shown");
    assert_eq!(Browser::new(&s).login("anna.verdi", "").await.status, 401);

    let first = link_in(&sent_to(&s, "anna.verdi@example.it", 1).await[0]);
    let id = operator_id(&s, "anna.verdi");
    let page = format!("/admin/operators/{id}");
    let csrf = csrf_of(&admin.get(&page).await.body);
    let resent = admin
        .post(&format!("{page}/invito"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    let bodies = sent_to(&s, "anna.verdi@example.it", 2).await;
    let second = link_in(&bodies[1]);
    assert_ne!(first, second);

    let mut anna = Browser::new(&s);
    assert_eq!(
        anna.get(&first).await.status,
        404,
        "replaced by the new invitation"
    );
    let open = anna.get(&second).await;
    assert_eq!(open.status, 200);
    assert!(open.body.contains("anna.verdi") && open.body.contains("Anna Verdi"));
    let forged = [("csrf", "0000"), ("password", STRONG), ("confirm", STRONG)];
    assert_eq!(
        anna.post(&second, &forged).await.status,
        403,
        "CSRF checked"
    );
    let weak = choose(&mut anna, &second, "anna.verdi").await;
    assert_eq!(weak.status, 422, "{}", weak.body);
    assert_eq!(choose(&mut anna, &second, STRONG).await.status, 303);
    assert_eq!(anna.get(&second).await.status, 404, "used once");
    assert_eq!(anna.login("anna.verdi", STRONG).await.status, 303);
    assert_eq!(anna.get("/admin").await.status, 200, "no forced change");

    let audit = admin.get("/admin/audit").await.body;
    assert!(
        audit.contains("Invito per e-mail") && audit.contains("Invito accettato"),
        "{audit}"
    );
}
