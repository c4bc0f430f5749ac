use crate::support::TestServer;

#[tokio::test]
async fn health_reports_the_database() {
    let s = TestServer::spawn().await;
    let resp = reqwest::get(format!("{}/health", s.base)).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    let expected = if s.state.db.url().is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["backend"], expected);
}

#[tokio::test]
async fn unknown_paths_get_a_404_page() {
    let s = TestServer::spawn().await;
    let resp = reqwest::get(format!("{}/nope", s.base)).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("Non trovato"));
}
