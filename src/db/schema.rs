// Diesel table definitions; mirrors migrations/{sqlite,postgres} (keep all three in step).

diesel::table! {
    brokers (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stations (id) {
        id -> BigInt,
        broker_id -> BigInt,
        code -> Text,
        aux_digit -> Integer,
        primitive_version -> Text,
        broadcast -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        application_code -> Nullable<Text>,
        node_password -> Nullable<Text>,
    }
}

diesel::table! {
    entities (id) {
        id -> BigInt,
        cod_ipa -> Text,
        fiscal_code -> Text,
        name -> Text,
        sector -> Nullable<Text>,
        email -> Nullable<Text>,
        contact_info -> Nullable<Text>,
        address -> Nullable<Text>,
        civic_number -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        province -> Nullable<Text>,
        country -> Nullable<Text>,
        state -> Text,
        station_id -> Nullable<BigInt>,
        segregation_code -> Text,
        application_code -> Nullable<Text>,
        cbill_code -> Nullable<Text>,
        ws_password_hash -> Nullable<Text>,
        return_url -> Nullable<Text>,
        logo -> Nullable<Binary>,
        logo_mime -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        ws_password_previous_hash -> Nullable<Text>,
        ws_password_previous_until -> Nullable<Timestamp>,
        notice_language -> Text,
    }
}

diesel::table! {
    due_types (id) {
        id -> BigInt,
        entity_id -> BigInt,
        code -> Text,
        description -> Text,
        bank_iban -> Nullable<Text>,
        postal_iban -> Nullable<Text>,
        postal_account_holder -> Nullable<Text>,
        collection_data -> Text,
        spontaneous -> Bool,
        form_fields -> Nullable<Text>,
        fixed_amount_cents -> Nullable<BigInt>,
        default_bilancio -> Nullable<Text>,
        due_date_required -> Bool,
        print_due_date -> Bool,
        anonymous_debtor_allowed -> Bool,
        notice_printing -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        node_service_id -> Nullable<Text>,
        postal_authorisation -> Nullable<Text>,
    }
}

diesel::table! {
    flusso_rejects (id) {
        id -> BigInt,
        flusso_id -> BigInt,
        row_number -> BigInt,
        code -> Text,
        message -> Text,
        line -> Text,
    }
}

diesel::table! {
    notice_batches (id) {
        id -> BigInt,
        entity_id -> BigInt,
        flusso_id -> Nullable<BigInt>,
        state -> Text,
        notices_total -> BigInt,
        notices_done -> BigInt,
        file_name -> Text,
        error_message -> Nullable<Text>,
        operator_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    operators (id) {
        id -> BigInt,
        username -> Text,
        full_name -> Text,
        email -> Nullable<Text>,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        must_change_password -> Bool,
        password_changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    operator_entities (operator_id, entity_id) {
        operator_id -> BigInt,
        entity_id -> BigInt,
        all_due_types -> Bool,
        manages -> Bool,
    }
}

diesel::table! {
    operator_due_types (operator_id, due_type_id) {
        operator_id -> BigInt,
        due_type_id -> BigInt,
    }
}

diesel::table! {
    flussi (id) {
        id -> BigInt,
        entity_id -> BigInt,
        direction -> Text,
        kind -> Text,
        iuf -> Nullable<Text>,
        file_name -> Nullable<Text>,
        tracciato_version -> Nullable<Text>,
        state -> Text,
        request_token -> Nullable<Text>,
        rows_total -> BigInt,
        rows_done -> BigInt,
        rows_accepted -> BigInt,
        rows_rejected -> BigInt,
        date_from -> Nullable<Date>,
        date_to -> Nullable<Date>,
        include_receipt -> Bool,
        error_code -> Nullable<Text>,
        error_message -> Nullable<Text>,
        operator_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        upload_token_hash -> Nullable<Text>,
        export_from -> Nullable<Timestamp>,
        export_to -> Nullable<Timestamp>,
        incremental -> Bool,
        due_type_codes -> Nullable<Text>,
        started_at -> Nullable<Timestamp>,
        started_rows -> BigInt,
    }
}

diesel::table! {
    carts (id) {
        id -> BigInt,
        entity_id -> BigInt,
        session_id -> Text,
        kind -> Text,
        state -> Text,
        total_cents -> BigInt,
        return_url -> Nullable<Text>,
        payer_fiscal_code -> Nullable<Text>,
        payer_name -> Nullable<Text>,
        payer_email -> Nullable<Text>,
        checkout_url -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        expires_at -> Timestamp,
        paid_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    download_tokens (token_hash) {
        token_hash -> Text,
        flusso_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    dovuti (id) {
        id -> BigInt,
        entity_id -> BigInt,
        due_type_id -> BigInt,
        iud -> Text,
        iuv -> Nullable<Text>,
        notice_number -> Nullable<Text>,
        state -> Text,
        debtor_kind -> Text,
        debtor_id -> Text,
        debtor_name -> Text,
        debtor_address -> Nullable<Text>,
        debtor_civic_number -> Nullable<Text>,
        debtor_postal_code -> Nullable<Text>,
        debtor_city -> Nullable<Text>,
        debtor_province -> Nullable<Text>,
        debtor_country -> Nullable<Text>,
        debtor_email -> Nullable<Text>,
        amount_cents -> BigInt,
        pa_fee_cents -> Nullable<BigInt>,
        due_date -> Nullable<Date>,
        causale -> Text,
        collection_data -> Text,
        bilancio -> Nullable<Text>,
        payment_type -> Nullable<Text>,
        generate_iuv -> Bool,
        flusso_id -> Nullable<BigInt>,
        flusso_row -> Nullable<BigInt>,
        cart_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        iuv_assigned_at -> Nullable<Timestamp>,
        paid_at -> Nullable<Timestamp>,
        plan_code -> Nullable<Text>,
        instalment -> Nullable<Integer>,
    }
}

diesel::table! {
    dovuto_transfers (id) {
        id -> BigInt,
        dovuto_id -> BigInt,
        position -> Integer,
        beneficiary_fiscal_code -> Text,
        beneficiary_name -> Nullable<Text>,
        iban -> Nullable<Text>,
        postal -> Bool,
        amount_cents -> BigInt,
        remittance -> Nullable<Text>,
        collection_data -> Text,
        address -> Nullable<Text>,
        civic_number -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        province -> Nullable<Text>,
        country -> Nullable<Text>,
        stamp_hash -> Nullable<Text>,
        stamp_type -> Nullable<Text>,
        stamp_province -> Nullable<Text>,
    }
}

diesel::table! {
    receipts (id) {
        id -> BigInt,
        entity_id -> BigInt,
        receipt_id -> Text,
        dovuto_id -> Nullable<BigInt>,
        iuv -> Text,
        notice_number -> Nullable<Text>,
        outcome -> Text,
        amount_cents -> BigInt,
        fee_cents -> Nullable<BigInt>,
        psp_id -> Text,
        psp_name -> Nullable<Text>,
        psp_fiscal_code -> Nullable<Text>,
        channel_id -> Nullable<Text>,
        payment_method -> Nullable<Text>,
        payer_kind -> Nullable<Text>,
        payer_id -> Nullable<Text>,
        payer_name -> Nullable<Text>,
        payer_email -> Nullable<Text>,
        debtor_kind -> Nullable<Text>,
        debtor_id -> Nullable<Text>,
        debtor_name -> Nullable<Text>,
        debtor_email -> Nullable<Text>,
        payment_at -> Nullable<Timestamp>,
        application_date -> Nullable<Date>,
        transfer_date -> Nullable<Date>,
        primitive -> Text,
        raw_xml -> Text,
        double_payment -> Bool,
        received_at -> Timestamp,
    }
}

diesel::table! {
    receipt_transfers (id) {
        id -> BigInt,
        receipt_pk -> BigInt,
        position -> Integer,
        fiscal_code_pa -> Text,
        iban -> Nullable<Text>,
        amount_cents -> BigInt,
        remittance -> Nullable<Text>,
        transfer_category -> Nullable<Text>,
        stamp -> Bool,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        correlation_id -> Text,
        interface -> Text,
        operation -> Text,
        direction -> Text,
        entity_id -> Nullable<BigInt>,
        entity_fiscal_code -> Nullable<Text>,
        iuv -> Nullable<Text>,
        notice_number -> Nullable<Text>,
        outcome -> Text,
        fault_code -> Nullable<Text>,
        duration_ms -> BigInt,
        remote_addr -> Nullable<Text>,
        operator_id -> Nullable<BigInt>,
        request -> Nullable<Text>,
        response -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        queue -> Text,
        payload -> Text,
        state -> Text,
        priority -> Integer,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> Timestamp,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    iuv_counters (entity_id, kind) {
        entity_id -> BigInt,
        kind -> Text,
        next_value -> BigInt,
    }
}

diesel::table! {
    entity_state_changes (id) {
        id -> BigInt,
        entity_id -> BigInt,
        from_state -> Text,
        to_state -> Text,
        operator_id -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    setup_tokens (token_hash) {
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    web_sessions (token_hash) {
        token_hash -> Text,
        operator_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(stations -> brokers (broker_id));
diesel::joinable!(entities -> stations (station_id));
diesel::joinable!(due_types -> entities (entity_id));
diesel::joinable!(entity_state_changes -> entities (entity_id));
diesel::joinable!(entity_state_changes -> operators (operator_id));
diesel::joinable!(operator_entities -> operators (operator_id));
diesel::joinable!(operator_entities -> entities (entity_id));
diesel::joinable!(operator_due_types -> operators (operator_id));
diesel::joinable!(operator_due_types -> due_types (due_type_id));
diesel::joinable!(flussi -> entities (entity_id));
diesel::joinable!(flussi -> operators (operator_id));
diesel::joinable!(carts -> entities (entity_id));
diesel::joinable!(dovuti -> entities (entity_id));
diesel::joinable!(dovuti -> due_types (due_type_id));
diesel::joinable!(dovuti -> flussi (flusso_id));
diesel::joinable!(dovuti -> carts (cart_id));
diesel::joinable!(notice_batches -> entities (entity_id));
diesel::joinable!(flusso_rejects -> flussi (flusso_id));
diesel::joinable!(download_tokens -> flussi (flusso_id));
diesel::joinable!(notice_batches -> flussi (flusso_id));
diesel::joinable!(dovuto_transfers -> dovuti (dovuto_id));
diesel::joinable!(receipts -> entities (entity_id));
diesel::joinable!(receipts -> dovuti (dovuto_id));
diesel::joinable!(receipt_transfers -> receipts (receipt_pk));
diesel::joinable!(events -> entities (entity_id));
diesel::joinable!(events -> operators (operator_id));
diesel::joinable!(iuv_counters -> entities (entity_id));
diesel::joinable!(web_sessions -> operators (operator_id));

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        operator_id -> Nullable<BigInt>,
        username -> Text,
        action -> Text,
        entity_id -> Nullable<BigInt>,
        target -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        remote_addr -> Nullable<Text>,
    }
}

diesel::table! {
    invitations (token_hash) {
        token_hash -> Text,
        operator_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        created_at -> Timestamp,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(invitations -> operators (operator_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    invitations,
    mail_outbox,
    brokers,
    stations,
    entities,
    due_types,
    operators,
    operator_entities,
    entity_state_changes,
    operator_due_types,
    flussi,
    carts,
    dovuti,
    dovuto_transfers,
    receipts,
    receipt_transfers,
    events,
    jobs,
    iuv_counters,
    web_sessions,
    login_throttle,
    notice_batches,
    flusso_rejects,
    download_tokens
);
