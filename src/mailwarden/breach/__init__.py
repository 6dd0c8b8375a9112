"""The DPO's breach workflow, its pure core: what a message's findings tell (`facts`), the
72-hour clock (`clock`), the regulator's questions (`questions`), the tasks (`tasks`), the
drafts (`drafts`), the state a breach is in (`state`), and its exports (`export` as JSON,
`pdf`). The breaches are kept by `record.breaches.BreachStore`; the pages are
`web/breach.py`."""
