{#-
    One row per lead, evaluation instant and engagement-rule version in force then with non-zero
    points and at least one matched event by then (spec §4; macros/scoring/engagement.sql): why a lead
    had its engagement score at any instant of its history.

    A view: at 20M events these are about 90M rows, which int_engagement_scores_at_instants sums
    per instant as it computes them instead of storing them
    (docs/decisions/0006-large-results-read-once.md); reading the view for a few leads computes
    only theirs.
-#}
{{ config(materialized='view') }}

with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
),

{{ lead_scoring.engagement_contribution_ctes(ref('int_events_matched_to_rules')) }}

select * from engagement_contributions
