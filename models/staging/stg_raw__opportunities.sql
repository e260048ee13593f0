with

source as (
    select * from {{ source('raw', 'opportunities') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('lead_id') }} as lead_id,
        ---------- numerics
        {{ clean_double('amount') }} as amount,
        ---------- booleans
        {{ try_cast(clean_text('is_won', 'lower'), dbt.type_boolean()) }} as is_won,
        ---------- timestamps
        {{ clean_timestamp('created_at', source('raw', 'opportunities')) }} as created_at,
        {{ clean_timestamp('closed_at', source('raw', 'opportunities')) }} as closed_at,
        ---------- data quality
        {{ raw_timestamp_issue('created_at', source('raw', 'opportunities')) }} as timestamp_issue,
        -- a value there but unreadable ('$12,000', '1e309', 'Won', '31/31/2026') is read as null
        {{ is_unparseable('amount', clean_double('amount')) }} as is_unparseable_amount,
        {{ is_unparseable('is_won', try_cast(clean_text('is_won', 'lower'), dbt.type_boolean())) }}
            as is_unparseable_is_won,
        {{ is_unparseable_timestamp('closed_at', source('raw', 'opportunities')) }} as is_unparseable_closed_at
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by opportunity_id
            order by
                created_at asc nulls last, lead_id asc nulls last, amount asc nulls last,
                is_won asc nulls last, closed_at asc nulls last
        ) as key_rank
    from renamed
),

verdicts as (
    select
        *,
        case
            when opportunity_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
            else timestamp_issue
        end as dq_issue
    from ranked
),

final as (
    select
        opportunity_id,
        lead_id,
        amount,
        -- a close after as_of has not happened yet at as_of
        case when closed_at <= {{ as_of() }} then is_won end as is_won,
        created_at,
        case when closed_at <= {{ as_of() }} then closed_at end as closed_at,
        coalesce(is_won and closed_at is null, false) as is_won_without_close,
        dq_issue,
        -- unreadable values, flagged on the rows used only
        dq_issue is null and is_unparseable_amount as is_unparseable_amount,
        dq_issue is null and is_unparseable_is_won as is_unparseable_is_won,
        dq_issue is null and is_unparseable_closed_at as is_unparseable_closed_at
    from verdicts
)

select * from final
