with

source as (
    select * from {{ source('raw', 'sales_dispositions') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('disposition_id') }} as disposition_id,
        {{ clean_text('lead_id') }} as lead_id,
        ---------- text
        {{ clean_text('status', 'lower') }} as status,
        {{ clean_text('reason') }} as reason,
        ---------- timestamps
        {{ clean_timestamp('decided_at', source('raw', 'sales_dispositions')) }} as decided_at,
        ---------- data quality
        {{ raw_timestamp_issue('decided_at', source('raw', 'sales_dispositions')) }} as timestamp_issue
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by disposition_id
            order by
                decided_at asc nulls last, lead_id asc nulls last, status asc nulls last,
                reason asc nulls last
        ) as key_rank
    from renamed
),

final as (
    select
        disposition_id,
        lead_id,
        status,
        reason,
        decided_at,
        case
            when disposition_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
            when timestamp_issue is not null then timestamp_issue
            when status is null or status not in ('accepted', 'recycled', 'disqualified')
                then 'unknown_status'
        end as dq_issue
    from ranked
)

select * from final
