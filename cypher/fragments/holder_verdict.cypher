// A holder's verdict as the evidence and the on-demand paths read it (`generation_boundary` and the evidence
// in app/engine/verdicts.py): one projection, which the stored bundle (`stored_bundle`) and the evidence
// statements (`holders_evidence`, `holders_evidence_ahead`) all return, so that they name the same fields.
// Arguments: VERDICT
// Parameters: none
VERDICT {.verdict, .seed, .seed_reason, .pinned, .pin_reason, .share_min, .share_max, .lookthrough_min,
         .lookthrough_max, .lookthrough_converged}
