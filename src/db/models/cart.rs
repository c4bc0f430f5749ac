//! Carts: payments started by an entity portal (paaSILInviaDovuti, paaSILInviaCarrelloDovuti,
//! paaSILVerificaAvviso) and paid through pagoPA Checkout. A cart groups up to five
//! positions (`dovuti.cart_id`), possibly of several entities; its state follows MyPay's
//! codes. A cart not paid before `expires_at` is expired when next looked at.

use crate::db::schema::{carts, dovuti, entities};
use crate::db::{AnyConnection, DbError};
use crate::domain::{CartState, DovutoState};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A cart.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = carts)]
pub struct Cart {
    /// Row id.
    pub id: i64,
    /// The entity that created it.
    pub entity_id: i64,
    /// `idSession` / `idSessionCarrello`.
    pub session_id: String,
    /// `DOVUTI`, `CARRELLO` or `AVVISO`.
    pub kind: String,
    /// Where it stands.
    pub state: CartState,
    /// Total in cents.
    pub total_cents: i64,
    /// Where the citizen goes back to.
    pub return_url: Option<String>,
    /// Payer's e-mail (Checkout's emailNotice).
    pub payer_email: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Deadline to pay.
    pub expires_at: NaiveDateTime,
    /// Paid.
    pub paid_at: Option<NaiveDateTime>,
}

/// One position of a cart, with its entity.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuti)]
pub struct CartLine {
    /// Dovuto id.
    pub id: i64,
    /// Entity.
    pub entity_id: i64,
    /// IUD.
    pub iud: String,
    /// IUV.
    pub iuv: Option<String>,
    /// Notice number.
    pub notice_number: Option<String>,
    /// Where it stands.
    pub state: DovutoState,
    /// Amount.
    pub amount_cents: i64,
    /// Causale.
    pub causale: String,
    /// Entity fiscal code.
    #[diesel(select_expression = entities::fiscal_code)]
    pub entity_cf: String,
    /// Entity name.
    #[diesel(select_expression = entities::name)]
    pub entity_name: String,
    /// Entity IPA code.
    #[diesel(select_expression = entities::cod_ipa)]
    pub cod_ipa: String,
}

impl CartLine {
    /// Whether the position is paid.
    pub fn paid(&self) -> bool {
        self.state == DovutoState::Paid
    }
}

/// What a new cart holds.
#[derive(Debug, Clone)]
pub struct NewCart<'a> {
    /// Creating entity.
    pub entity_id: i64,
    /// Session id handed out.
    pub session_id: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Return URL.
    pub return_url: Option<&'a str>,
    /// Payer e-mail.
    pub payer_email: Option<&'a str>,
    /// Deadline.
    pub expires_at: NaiveDateTime,
}

/// Creates a cart over `dovuto_ids` (already checked payable); returns its id.
pub fn create(
    conn: &mut AnyConnection,
    c: &NewCart<'_>,
    dovuto_ids: &[i64],
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let amounts: Vec<i64> = dovuti::table
        .filter(dovuti::id.eq_any(dovuto_ids))
        .select(dovuti::amount_cents)
        .load(conn)?;
    let total = amounts.iter().sum::<i64>();
    let id: i64 = crate::with_backend!(conn, conn => diesel::insert_into(carts::table)
        .values((
            carts::entity_id.eq(c.entity_id),
            carts::session_id.eq(c.session_id),
            carts::kind.eq(c.kind),
            carts::state.eq(CartState::New.code()),
            carts::total_cents.eq(total),
            carts::return_url.eq(c.return_url),
            carts::payer_email.eq(c.payer_email),
            carts::created_at.eq(now),
            carts::updated_at.eq(now),
            carts::expires_at.eq(c.expires_at),
        ))
        .returning(carts::id)
        .get_result(conn))?;
    diesel::update(dovuti::table.filter(dovuti::id.eq_any(dovuto_ids)))
        .set(dovuti::cart_id.eq(id))
        .execute(conn)?;
    Ok(id)
}

/// The cart with this session id.
pub fn by_session(conn: &mut AnyConnection, session: &str) -> Result<Option<Cart>, DbError> {
    Ok(carts::table
        .filter(carts::session_id.eq(session))
        .select(Cart::as_select())
        .first(conn)
        .optional()?)
}

/// The cart's positions, in order.
pub fn lines(conn: &mut AnyConnection, cart_id: i64) -> Result<Vec<CartLine>, DbError> {
    Ok(dovuti::table
        .inner_join(entities::table)
        .filter(dovuti::cart_id.eq(cart_id))
        .order(dovuti::id)
        .select(CartLine::as_select())
        .load(conn)?)
}

/// Moves the cart to `state` (only from one of `from`); returns whether it moved.
pub fn transition(
    conn: &mut AnyConnection,
    id: i64,
    from: &[CartState],
    state: CartState,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let paid_at = (state == CartState::Paid).then_some(now);
    let from: Vec<&str> = from.iter().map(|s| s.code()).collect();
    let n = diesel::update(
        carts::table
            .filter(carts::id.eq(id))
            .filter(carts::state.eq_any(from)),
    )
    .set((
        carts::state.eq(state.code()),
        carts::updated_at.eq(now),
        carts::paid_at.eq(paid_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The cart's state brought up to date: paid once every position is, expired once its
/// deadline passed unpaid. Returns the state and the lines.
pub fn refresh(
    conn: &mut AnyConnection,
    cart: &Cart,
    now: NaiveDateTime,
) -> Result<(CartState, Vec<CartLine>), DbError> {
    let lines = lines(conn, cart.id)?;
    let all_paid = !lines.is_empty() && lines.iter().all(CartLine::paid);
    use CartState::*;
    let mut state = cart.state;
    if all_paid
        && state != Paid
        && transition(conn, cart.id, &[New, Paying, Aborted, Expired], Paid, now)?
    {
        state = Paid;
    } else if !all_paid
        && now > cart.expires_at
        && transition(conn, cart.id, &[New, Paying], Expired, now)?
    {
        state = Expired;
    }
    Ok((state, lines))
}
