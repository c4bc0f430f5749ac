-- wrk driver for the paForNode benchmark: every request asks for a random notice among
-- the BENCH_N seeded ones. BENCH_OP = verify | getv2 | sendrt (a paSendRTV2 with a fresh
-- receiptId each time); the same body goes to the baseline.
local n = tonumber(os.getenv("BENCH_N") or "1000000")
local op = os.getenv("BENCH_OP") or "verify"
local cf, broker, station = "80000000010", "97000000014", "97000000014_01"

local heads = {
  verify = { action = "paVerifyPaymentNotice", root = "paVerifyPaymentNoticeReq", extra = "" },
  getv2 = { action = "paGetPaymentV2", root = "paGetPaymentV2Request", extra = "<transferType>PAGOPA</transferType>" },
  sendrt = { action = "paSendRTV2", root = "paSendRTV2Request" },
}
local h = heads[op]
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"' .. h.action .. '"'

local salt = (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000
math.randomseed(os.time() + salt)
local sent = 0

-- A receipt for notice p: one transfer of 10.00 to the entity, paid by a card at a PSP.
local function receipt(p, notice)
  sent = sent + 1
  local iuv = string.sub(notice, 2)
  return '<receipt><receiptId>bench-' .. salt .. '-' .. sent .. '</receiptId>'
    .. '<noticeNumber>' .. notice .. '</noticeNumber><fiscalCode>' .. cf .. '</fiscalCode><outcome>OK</outcome>'
    .. '<creditorReferenceId>' .. iuv .. '</creditorReferenceId><paymentAmount>10.00</paymentAmount>'
    .. '<description>TARI rata unica</description><companyName>Comune di Borgo Demo</companyName>'
    .. '<debtor><uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>'
    .. '<entityUniqueIdentifierValue>RSSMRA85T10A562S</entityUniqueIdentifierValue></uniqueIdentifier>'
    .. '<fullName>Mario Rossi</fullName></debtor>'
    .. '<transferList><transfer><idTransfer>1</idTransfer><transferAmount>10.00</transferAmount>'
    .. '<fiscalCodePA>' .. cf .. '</fiscalCodePA><IBAN>IT60X0542811101000000123456</IBAN>'
    .. '<remittanceInformation>/RFB/' .. iuv .. '/10.00/TXT/TARI</remittanceInformation>'
    .. '<transferCategory>9/0101101IM/</transferCategory></transfer></transferList>'
    .. '<idPSP>AGID_01</idPSP><PSPCompanyName>PSP Bench</PSPCompanyName><idChannel>97735020584_03</idChannel>'
    .. '<channelDescription>app</channelDescription><paymentMethod>creditCard</paymentMethod><fee>1.00</fee>'
    .. '<paymentDateTime>2026-11-28T12:00:00</paymentDateTime><applicationDate>2026-11-28</applicationDate>'
    .. '<transferDate>2026-11-29</transferDate></receipt>'
end

request = function()
  local p = math.random(1, n)
  -- aux digit 3, segregation code 01: check digits = (3 01 p13) mod 93 (exact in a double)
  local cc = math.fmod(3010000000000000 + p, 93)
  local notice = string.format("301%013d%02d", p, cc)
  local body = '<?xml version="1.0" encoding="UTF-8"?>'
    .. '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">'
    .. '<soapenv:Header/><soapenv:Body><pafn:' .. h.root .. '>'
    .. '<idPA>' .. cf .. '</idPA><idBrokerPA>' .. broker .. '</idBrokerPA><idStation>' .. station .. '</idStation>'
    .. (op == "sendrt" and receipt(p, notice)
      or ('<qrCode><fiscalCode>' .. cf .. '</fiscalCode><noticeNumber>' .. notice .. '</noticeNumber></qrCode>' .. h.extra))
    .. '</pafn:' .. h.root .. '></soapenv:Body></soapenv:Envelope>'
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %s rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    op, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
