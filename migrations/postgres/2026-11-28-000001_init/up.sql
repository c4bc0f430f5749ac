-- mypay initial schema. Amounts are BIGINT cents; timestamps are UTC.

-- pagoPA intermediary (idBrokerPA) and its stations (idStation).
CREATE TABLE brokers (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE stations (
    id BIGSERIAL PRIMARY KEY,
    broker_id BIGINT NOT NULL REFERENCES brokers(id),
    code TEXT NOT NULL UNIQUE,
    aux_digit INTEGER NOT NULL DEFAULT 3,
    primitive_version TEXT NOT NULL DEFAULT 'V2',
    broadcast BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    CHECK (aux_digit BETWEEN 0 AND 3),
    CHECK (primitive_version IN ('V1', 'V2'))
);

-- Creditor entities (enti creditori).
CREATE TABLE entities (
    id BIGSERIAL PRIMARY KEY,
    cod_ipa TEXT NOT NULL UNIQUE,
    fiscal_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sector TEXT,
    email TEXT,
    contact_info TEXT,
    address TEXT,
    civic_number TEXT,
    postal_code TEXT,
    city TEXT,
    province TEXT,
    country TEXT,
    state TEXT NOT NULL DEFAULT 'INSERITO',
    station_id BIGINT REFERENCES stations(id),
    segregation_code TEXT NOT NULL,
    application_code TEXT,
    cbill_code TEXT,
    ws_password_hash TEXT,
    return_url TEXT,
    logo BYTEA,
    logo_mime TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (state IN ('INSERITO', 'PRE-ESERCIZIO', 'ESERCIZIO'))
);

-- What an entity collects (tipi dovuto), with where the money goes.
CREATE TABLE due_types (
    id BIGSERIAL PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    bank_iban TEXT,
    postal_iban TEXT,
    postal_account_holder TEXT,
    collection_data TEXT NOT NULL,
    spontaneous BOOLEAN NOT NULL DEFAULT FALSE,
    form_fields TEXT,
    fixed_amount_cents BIGINT,
    default_bilancio TEXT,
    due_date_required BOOLEAN NOT NULL DEFAULT FALSE,
    print_due_date BOOLEAN NOT NULL DEFAULT TRUE,
    anonymous_debtor_allowed BOOLEAN NOT NULL DEFAULT FALSE,
    notice_printing BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (entity_id, code),
    CHECK (fixed_amount_cents IS NULL OR fixed_amount_cents > 0)
);

-- Back-office users.
CREATE TABLE operators (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    CHECK (role IN ('admin', 'operator'))
);

-- Which entities an operator sees; all their due types unless restricted below.
CREATE TABLE operator_entities (
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    entity_id BIGINT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    all_due_types BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (operator_id, entity_id)
);

CREATE TABLE operator_due_types (
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    due_type_id BIGINT NOT NULL REFERENCES due_types(id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, due_type_id)
);

-- Import/export jobs of CSV flussi.
CREATE TABLE flussi (
    id BIGSERIAL PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,
    iuf TEXT,
    file_name TEXT,
    tracciato_version TEXT,
    state TEXT NOT NULL,
    request_token TEXT UNIQUE,
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_done BIGINT NOT NULL DEFAULT 0,
    rows_accepted BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    date_from DATE,
    date_to DATE,
    include_receipt BOOLEAN NOT NULL DEFAULT FALSE,
    error_code TEXT,
    error_message TEXT,
    operator_id BIGINT REFERENCES operators(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    UNIQUE (entity_id, direction, iuf),
    CHECK (direction IN ('IMPORT', 'EXPORT'))
);

-- Payments started by an entity portal or the front office.
CREATE TABLE carts (
    id BIGSERIAL PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    session_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    return_url TEXT,
    payer_fiscal_code TEXT,
    payer_name TEXT,
    payer_email TEXT,
    checkout_url TEXT,
    request_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP
);

-- Debt positions.
CREATE TABLE dovuti (
    id BIGSERIAL PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    due_type_id BIGINT NOT NULL REFERENCES due_types(id),
    iud TEXT NOT NULL,
    iuv TEXT,
    notice_number TEXT,
    state TEXT NOT NULL,
    debtor_kind TEXT NOT NULL,
    debtor_id TEXT NOT NULL,
    debtor_name TEXT NOT NULL,
    debtor_address TEXT,
    debtor_civic_number TEXT,
    debtor_postal_code TEXT,
    debtor_city TEXT,
    debtor_province TEXT,
    debtor_country TEXT,
    debtor_email TEXT,
    amount_cents BIGINT NOT NULL,
    pa_fee_cents BIGINT,
    due_date DATE,
    causale TEXT NOT NULL,
    collection_data TEXT NOT NULL,
    bilancio TEXT,
    payment_type TEXT,
    generate_iuv BOOLEAN NOT NULL DEFAULT TRUE,
    flusso_id BIGINT REFERENCES flussi(id),
    flusso_row BIGINT,
    cart_id BIGINT REFERENCES carts(id),
    version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    iuv_assigned_at TIMESTAMP,
    paid_at TIMESTAMP,
    UNIQUE (entity_id, iud),
    UNIQUE (entity_id, iuv),
    CHECK (amount_cents > 0),
    CHECK (debtor_kind IN ('F', 'G'))
);
CREATE INDEX dovuti_entity_state ON dovuti (entity_id, state);
CREATE INDEX dovuti_debtor ON dovuti (debtor_id);
CREATE INDEX dovuti_notice ON dovuti (notice_number);
CREATE INDEX dovuti_due_type ON dovuti (due_type_id);
CREATE INDEX dovuti_flusso ON dovuti (flusso_id, flusso_row);
CREATE INDEX dovuti_cart ON dovuti (cart_id);

-- How a dovuto's amount is split (up to 5 transfers). No rows: all to the due type's IBAN.
CREATE TABLE dovuto_transfers (
    id BIGSERIAL PRIMARY KEY,
    dovuto_id BIGINT NOT NULL REFERENCES dovuti(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    beneficiary_fiscal_code TEXT NOT NULL,
    beneficiary_name TEXT,
    iban TEXT,
    postal BOOLEAN NOT NULL DEFAULT FALSE,
    amount_cents BIGINT NOT NULL,
    remittance TEXT,
    collection_data TEXT NOT NULL,
    address TEXT,
    civic_number TEXT,
    postal_code TEXT,
    city TEXT,
    province TEXT,
    country TEXT,
    UNIQUE (dovuto_id, position),
    CHECK (position BETWEEN 1 AND 5),
    CHECK (amount_cents > 0)
);

-- Receipts pushed by the node (paSendRT / paSendRTV2). The same receiptId reaches every
-- beneficiary entity of a multi-beneficiary payment, hence unique per entity.
CREATE TABLE receipts (
    id BIGSERIAL PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    receipt_id TEXT NOT NULL,
    dovuto_id BIGINT REFERENCES dovuti(id),
    iuv TEXT NOT NULL,
    notice_number TEXT,
    outcome TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    fee_cents BIGINT,
    psp_id TEXT NOT NULL,
    psp_name TEXT,
    psp_fiscal_code TEXT,
    channel_id TEXT,
    payment_method TEXT,
    payer_kind TEXT,
    payer_id TEXT,
    payer_name TEXT,
    payer_email TEXT,
    debtor_kind TEXT,
    debtor_id TEXT,
    debtor_name TEXT,
    debtor_email TEXT,
    payment_at TIMESTAMP,
    application_date DATE,
    transfer_date DATE,
    primitive TEXT NOT NULL,
    raw_xml TEXT NOT NULL,
    double_payment BOOLEAN NOT NULL DEFAULT FALSE,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (entity_id, receipt_id)
);
CREATE INDEX receipts_iuv ON receipts (entity_id, iuv);
CREATE INDEX receipts_dovuto ON receipts (dovuto_id);
CREATE INDEX receipts_received ON receipts (received_at);

CREATE TABLE receipt_transfers (
    id BIGSERIAL PRIMARY KEY,
    receipt_pk BIGINT NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    fiscal_code_pa TEXT NOT NULL,
    iban TEXT,
    amount_cents BIGINT NOT NULL,
    remittance TEXT,
    transfer_category TEXT,
    stamp BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (receipt_pk, position)
);

-- The journal of every exchange (SOAP in/out, uploads, operator actions).
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    correlation_id TEXT NOT NULL,
    interface TEXT NOT NULL,
    operation TEXT NOT NULL,
    direction TEXT NOT NULL,
    entity_id BIGINT REFERENCES entities(id),
    entity_fiscal_code TEXT,
    iuv TEXT,
    notice_number TEXT,
    outcome TEXT NOT NULL,
    fault_code TEXT,
    duration_ms BIGINT NOT NULL DEFAULT 0,
    remote_addr TEXT,
    operator_id BIGINT REFERENCES operators(id),
    request TEXT,
    response TEXT
);
CREATE INDEX events_occurred ON events (occurred_at);
CREATE INDEX events_entity ON events (entity_id, occurred_at);
CREATE INDEX events_iuv ON events (iuv);

-- Durable background jobs.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    queue TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    run_at TIMESTAMP NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    CHECK (state IN ('queued', 'running', 'done', 'failed'))
);
CREATE INDEX jobs_pick ON jobs (queue, state, run_at);

-- Next IUV progressive per entity and generator.
CREATE TABLE iuv_counters (
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    kind TEXT NOT NULL,
    next_value BIGINT NOT NULL,
    PRIMARY KEY (entity_id, kind)
);

-- Back-office sessions (token stored hashed) and login throttling, shared by all instances.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);
