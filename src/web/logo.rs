//! Entity logos, printed on notices and receipts: shown in the entities list and replaced by
//! an operator of the entity (or an admin) with a PNG, JPEG or SVG upload (an SVG is
//! stored as the PNG it rasterises to).

use super::audit::Audit;
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::avviso::canvas::Logo;
use crate::avviso::svg;
use crate::db::models::registry;
use crate::http::multipart::{read_bounded, FieldError};
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

/// Largest logo accepted.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// `GET /admin/entities/{id}/logo`: the stored logo.
pub async fn show(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let logo: Option<(Option<Vec<u8>>, Option<String>)> = auth
        .query(&app, move |c, scope| {
            if !scope.sees_entity(id) {
                return Ok(None);
            }
            registry::logo(c, id)
        })
        .await?;
    match logo {
        Some((Some(bytes), mime)) => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    mime.unwrap_or_else(|| "image/png".into()),
                ),
                (header::CACHE_CONTROL, "private, max-age=60".into()),
            ],
            bytes,
        )
            .into_response()),
        _ => Err(WebError::NotFound),
    }
}

/// The upload form: its CSRF token, the file, and whether it was sent from the entity's
/// own page (`back=entity`) rather than the list, where the operator goes back to.
struct Upload {
    csrf: String,
    file: Vec<u8>,
    from_entity: bool,
}

/// Reads the upload form.
async fn read_form(mut form: Multipart) -> Result<Upload, WebError> {
    let bad = |m: &str| WebError::BadRequest(m.to_owned());
    let (mut csrf, mut file, mut from_entity) = (String::new(), Vec::new(), false);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| bad("Caricamento non leggibile."))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad("Modulo non valido."))?,
            Some("back") => {
                from_entity = field.text().await.map_err(|_| bad("Modulo non valido."))? == "entity"
            }
            Some("logo") => {
                file = read_bounded(field, MAX_LOGO_BYTES)
                    .await
                    .map_err(|e| match e {
                        FieldError::TooLarge => bad("Il logo supera 512 KB."),
                        FieldError::Broken => bad("Caricamento interrotto."),
                    })?;
            }
            _ => {}
        }
    }
    Ok(Upload {
        csrf,
        file,
        from_entity,
    })
}

/// `POST /admin/entities/{id}/logo` (multipart: `csrf`, `logo`): replaces the logo.
pub async fn upload(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, WebError> {
    let Upload {
        csrf,
        file,
        from_entity,
    } = read_form(form).await?;
    auth.check_csrf(&csrf)?;
    if !auth.scope.sees_entity(id) {
        return Err(WebError::NotFound);
    }
    let (file, mime) = tokio::task::spawn_blocking(move || accepted(file))
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::BadRequest)?;
    let (now, size) = (app.now(), file.len());
    let updated = app
        .db
        .write(move |c| match registry::set_logo(c, id, file, mime, now)? {
            true => registry::cod_ipa_of(c, id).map(Some),
            false => Ok(None),
        })
        .await?;
    let Some(cod_ipa) = updated else {
        return Err(WebError::NotFound);
    };
    let after = serde_json::json!({ "tipo": mime, "byte": size });
    let a = Audit::new("ente.logo", format!("ente {cod_ipa}"))
        .entity(id)
        .after(&after);
    auth.audit(&app, a).await;
    let back = match from_entity {
        true => format!("/admin/entities/{id}"),
        false => "/admin/entities".to_owned(),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The logo as stored, with its MIME type: a PNG or JPEG that decodes, or the PNG an SVG
/// becomes; otherwise why not, for the person uploading.
fn accepted(file: Vec<u8>) -> Result<(Vec<u8>, &'static str), String> {
    let (file, mime) = match image::guess_format(&file) {
        Ok(image::ImageFormat::Png) => (file, "image/png"),
        Ok(image::ImageFormat::Jpeg) => (file, "image/jpeg"),
        _ if svg::looks_like_svg(&file) => {
            let png = svg::rasterise(&file).map_err(|e| format!("Logo rifiutato: {e}."))?;
            (png, "image/png")
        }
        _ => return Err("Il logo deve essere un'immagine PNG, JPEG o SVG.".into()),
    };
    match Logo::decode(&file) {
        Ok(_) => Ok((file, mime)),
        Err(e) => Err(format!("Immagine non leggibile: {e}.")),
    }
}
