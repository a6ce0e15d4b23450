"""Every state change of the tip line, one module per family:

- `intake`: filing a report (the anti-abuse gate, reading and masking, joining clusters);
- `observables`: the canonical links and numbers a report names;
- `evidence`: screenshots, read within bounds and redrawn;
- `receipts`: the receipt code a reporter follows a report with;
- `withdrawal`: the reporter taking a report back with its receipt;
- `volunteers`: recruiting volunteers and checking who may triage where;
- `triage`: claim, confirm, escalate, reject, mark duplicate, vote, taken down.

Callers import from the module: `from cyberweek.tipline.services.triage import claim_report`.
"""
