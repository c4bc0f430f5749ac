"""Drives every operation of mypay's entity web services with zeep, the way an entity's
accounting software would: the client is built from the WSDL the server publishes.

    python ente_ws.py WSDL_URL COD_IPA PASSWORD DEBTOR_CF PAYABLE_IUV ENTITY_CF TODAY

TODAY (YYYY-MM-DD) is the gateway's day: the tests run it on a fixed clock, never the real date.

Prints one JSON object per operation: {"op", "fault" (code or null), ...details}.
"""
import base64
import datetime
import hashlib
import json
import sys

import zeep

wsdl, cod, password, debtor, payable_iuv = sys.argv[1:6]
today = datetime.date.fromisoformat(sys.argv[7])
client = zeep.Client(wsdl)
service = client.service
header = client.get_element("{http://www.regione.veneto.it/pagamenti/ente/ppthead}intestazionePPT")
head = [header(codIpaEnte=cod)]
PAY = "http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"


def report(op, answer, **extra):
    fault = getattr(answer, "fault", None)
    print(json.dumps({"op": op, "fault": fault.faultCode if fault else None, **extra}), flush=True)


def subject():
    return (
        "<soggettoPagatore><identificativoUnivocoPagatore><tipoIdentificativoUnivoco>F</tipoIdentificativoUnivoco>"
        f"<codiceIdentificativoUnivoco>{debtor}</codiceIdentificativoUnivoco></identificativoUnivocoPagatore>"
        "<anagraficaPagatore>Cittadino Zeep</anagraficaPagatore></soggettoPagatore>"
    )


def item(iud):
    return (
        f"<identificativoUnivocoDovuto>{iud}</identificativoUnivocoDovuto><importoSingoloVersamento>7.00</importoSingoloVersamento>"
        "<identificativoTipoDovuto>MENSA</identificativoTipoDovuto><causaleVersamento>Mensa</causaleVersamento>"
        "<datiSpecificiRiscossione>9/0201133IM/</datiSpecificiRiscossione>"
    )


def dovuti(iud):
    xml = f'<Dovuti xmlns="{PAY}"><versioneOggetto>6.2</versioneOggetto>{subject()}<datiVersamento><tipoVersamento>ALL</tipoVersamento><datiSingoloVersamento>{item(iud)}</datiSingoloVersamento></datiVersamento></Dovuti>'
    return xml.encode()


versamento = (
    f'<Versamento xmlns="{PAY}"><versioneOggetto>6.2</versioneOggetto>{subject()}<datiVersamento>'
    f'<dataEsecuzionePagamento>{today + datetime.timedelta(days=60)}</dataEsecuzionePagamento><tipoVersamento>ALL</tipoVersamento>{item("ZEEP-1")}'
    "</datiVersamento><azione>I</azione></Versamento>"
).encode()
a = service.paaSILImportaDovuto(password=password, dovuto=versamento, flagGeneraIuv=True, _soapheaders=head)
iuv = a.identificativoUnivocoVersamento
report("paaSILImportaDovuto", a, esito=a.esito, iuv=iuv, zip=len(a.base64ZipAvviso or b""))

a = service.paaSILChiediAvvisiPendenti(password=password, codIpaEnte=cod, dateFrom=today - datetime.timedelta(days=1), dateTo=today)
found = [base64.b64decode(x.dovuti) if isinstance(x.dovuti, str) else x.dovuti for x in (a.paaSILAvvisoPendente or [])]
report("paaSILChiediAvvisiPendenti", a, count=len(found), has_new=any(iuv.encode() in d for d in found))

person = {"tipoIdentificativoUnivoco": "F", "codiceIdentificativoUnivoco": debtor}
a = service.paaSILChiediPosizioniAperte(password=password, codIpaEnte=cod, identificativoUnivocoPersonaFG=person)
report("paaSILChiediPosizioniAperte", a, count=len(a.paaSILPosizioniAperte or []))

a = service.paaSILRegistraPagamento(
    codIpaEnte=cod, password=password, identificativoUnivocoVersamento=iuv, singoloImportoPagato="7.00",
    dataEsitoSingoloPagamento=today, identificativoUnivocoRiscossione="ZEEP-IUR-1", tipoIstitutoAttestante="B",
    codiceIstitutiAttestante="CASSA", denominazioneAttestante="Cassa economale")
report("paaSILRegistraPagamento", a, esito=a.esito)

a = service.paaSILChiediPagatiConRicevuta(codIpaEnte=cod, password=password, identificativoUnivocoVersamento=iuv)
report("paaSILChiediPagatiConRicevuta", a, pagati=b"ZEEP-IUR-1" in (a.pagati or b""))

a = service.paaSILChiediStoricoPagamenti(password=password, codIpaEnte=cod, identificativoUnivocoPersonaFG=person,
                                         dataFrom=datetime.datetime(today.year - 5, 1, 1))
report("paaSILChiediStoricoPagamenti", a, count=len(a.paaSILStoricoPagamenti or []))

a = service.paaSILInviaDovuti(password=password, dovuti=dovuti("ZEEP-2"), _soapheaders=head)
session = a.idSession
report("paaSILInviaDovuti", a, esito=a.esito, url=a.url)

a = service.paaSILChiediPagati(codIpaEnte=cod, password=password, idSession=session)
report("paaSILChiediPagati", a)

a = service.paaSILVerificaAvviso(password=password, identificativoUnivocoVersamento=payable_iuv, _soapheaders=head)
report("paaSILVerificaAvviso", a, esito=a.esito)

cf = sys.argv[6]
element = {"codIpaEnte": cod, "password": hashlib.sha256(f"paaSILInviaCarrelloDovuti-{password}-{cf}".encode()).hexdigest(),
           "dovuti": dovuti("ZEEP-3")}
a = service.paaSILInviaCarrelloDovuti(password=password, listaDovuti={"elementoListaDovuti": [element]}, _soapheaders=head)
cart = a.idSessionCarrello
report("paaSILInviaCarrelloDovuti", a, esito=a.esito)

a = service.paaSILChiediEsitoCarrelloDovuti(codIpaEnte=cod, password=password, idSessionCarrello=cart)
report("paaSILChiediEsitoCarrelloDovuti", a, esito=a.listaCarrelli.rispostaCarrello[0].esito)

a = service.paaSILAutorizzaImportFlusso(password=password, _soapheaders=head)
report("paaSILAutorizzaImportFlusso", a, upload=a.uploadUrl, token=bool(a.authorizationToken))
a = service.paaSILChiediStatoImportFlusso(requestToken=a.requestToken, password=password, _soapheaders=head)
report("paaSILChiediStatoImportFlusso", a, stato=a.stato)

a = service.paaSILPrenotaExportFlusso(password=password, dateFrom=today, dateTo=today, versioneTracciato="1.2", _soapheaders=head)
report("paaSILPrenotaExportFlusso", a, token=bool(a.requestToken))
a = service.paaSILChiediStatoExportFlusso(password=password, requestToken=a.requestToken, _soapheaders=head)
report("paaSILChiediStatoExportFlusso", a, stato=a.stato)
a = service.paaSILPrenotaExportFlussoIncrementaleConRicevuta(
    password=password, dateFrom=datetime.datetime(today.year - 1, 1, 1), ricevuta=True, incrementale=True, _soapheaders=head)
report("paaSILPrenotaExportFlussoIncrementaleConRicevuta", a, token=bool(a.requestToken), dateTo=bool(a.dateTo))
a = service.paaSILPrenotaExportFlussoScaduti(password=password, dataScadenza=today, tipiDovuto="MENSA", _soapheaders=head)
report("paaSILPrenotaExportFlussoScaduti", a, token=bool(a.requestToken))
a = service.paaSILChiediStatoExportFlussoScaduti(password=password, requestToken=a.requestToken, _soapheaders=head)
report("paaSILChiediStatoExportFlussoScaduti", a, stato=a.stato)
