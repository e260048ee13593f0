{#-
    The raw events export as it is, its declared columns only: the one model that reads the
    source. The change detection of incremental runs (models/change_detection/) and
    stg_raw__events read the rows from here. A view, so each reader scans the export itself, with
    its own filters and columns pushed into the scan (a table would copy 20M rows at 1M leads
    every run; docs/decisions/0018-dag-layers.md).
-#}
{{ config(materialized='view') }}

with

source as (
    select * from {{ source('raw', 'events') }}
),

final as (
    select
        ---------- ids
        event_id,
        lead_id,
        ---------- text
        event_type,
        url,
        campaign,
        ---------- timestamps
        occurred_at
    from source
)

select * from final
