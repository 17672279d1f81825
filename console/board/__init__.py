"""The question board: questions joined with the facilitator's decisions.

- model: the board (feed updates, moderation, manual questions)
- question: one question as the board and the report see it
- moderation: a decision's record and the transition rules; the participants' states
- participants: publish, hide, participant answers, what the other participants see
- answers: the participant answer record (apart from the internal answer note)
- decisions: the decision log (who decided what, when), live windows read from it
- index: the inputs (records, feed lists) taken in, and the decisions' revisions written
- views, order: each question's cached view and the queries answered from them (the
  sorted, filtered lists kept up to date by patches, the counts)
- feeds: between the feed pollers and the board (labels, cache, status words)
"""
