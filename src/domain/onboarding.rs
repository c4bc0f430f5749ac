//! Onboarding an entity: what must be in place before it goes into production (ESERCIZIO),
//! and which changes of state are allowed.

use super::EntityState;

/// What is in place for an entity, as its checklist shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checklist {
    /// Fiscal code and IPA code recorded.
    pub codes: bool,
    /// A logo for notices and receipts.
    pub logo: bool,
    /// At least one active due type with a bank or postal IBAN.
    pub due_type_with_iban: bool,
    /// At least one active operator.
    pub operator: bool,
    /// The web-service password of its accounting software is set.
    pub ws_password: bool,
    /// A payment went through the node end to end (a positive receipt arrived).
    pub test_payment: bool,
}

impl Checklist {
    /// Every item with its Italian label and whether it is done, in the order shown.
    pub fn items(&self) -> [(&'static str, bool); 6] {
        [
            ("Codice fiscale e codice IPA", self.codes),
            ("Logo per avvisi e ricevute", self.logo),
            ("Un tipo dovuto attivo con IBAN", self.due_type_with_iban),
            ("Almeno un operatore", self.operator),
            ("Password dei web service impostata", self.ws_password),
            ("Un pagamento di prova completato", self.test_payment),
        ]
    }

    /// The labels of what is still missing.
    pub fn missing(&self) -> Vec<&'static str> {
        self.items()
            .into_iter()
            .filter(|(_, done)| !done)
            .map(|(label, _)| label)
            .collect()
    }
}

/// Why a change of state is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The lifecycle does not go from one to the other.
    NotAllowed(EntityState, EntityState),
    /// Production needs the whole checklist: what is missing.
    Incomplete(Vec<&'static str>),
}

/// Whether an entity in `from`, with `checklist`, may become `to`.
pub fn decide(from: EntityState, to: EntityState, checklist: &Checklist) -> Result<(), Refusal> {
    if !from.can_become(to) {
        return Err(Refusal::NotAllowed(from, to));
    }
    let missing = checklist.missing();
    if to == EntityState::Production && !missing.is_empty() {
        return Err(Refusal::Incomplete(missing));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityState::*;

    const DONE: Checklist = Checklist {
        codes: true,
        logo: true,
        due_type_with_iban: true,
        operator: true,
        ws_password: true,
        test_payment: true,
    };

    #[test]
    fn every_pair_of_states() {
        let allowed = [
            (Inserted, PreProduction),
            (PreProduction, Production),
            (Production, PreProduction),
            (Inserted, Disabled),
            (PreProduction, Disabled),
            (Production, Disabled),
            (Disabled, PreProduction),
        ];
        for from in EntityState::ALL {
            for to in EntityState::ALL {
                let ok = decide(from, to, &DONE).is_ok();
                assert_eq!(ok, allowed.contains(&(from, to)), "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn production_waits_for_the_whole_checklist() {
        let no_payment = Checklist {
            test_payment: false,
            ..DONE
        };
        assert_eq!(
            decide(PreProduction, Production, &no_payment),
            Err(Refusal::Incomplete(vec![
                "Un pagamento di prova completato"
            ]))
        );
        assert_eq!(
            decide(Inserted, PreProduction, &Checklist::default()),
            Ok(())
        );
        assert_eq!(Checklist::default().missing().len(), 6);
    }
}
