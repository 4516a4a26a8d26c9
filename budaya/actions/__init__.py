"""Rencana aksi: action plans that follow up a period's results, change agents (agen
perubahan) and the internalisation log, offered as evidence to next year's Evaluasi Budaya
Kerja (see docs/architecture.md "Layers" and README "Rencana aksi").

Layer: above `results` (it reads a released document to propose a focus) and below `reports`
(the institution PDF includes the plans). `evaluation` lies below and cannot import this app:
it exposes an extension point (`budaya.evaluation.offers.register`) that this app's
`AppConfig.ready` feeds.
"""
