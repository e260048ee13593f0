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
        {{ try_cast(clean_text('amount'), type_double()) }} as amount,
        ---------- booleans
        {{ try_cast(clean_text('is_won', 'lower'), dbt.type_boolean()) }} as is_won,
        ---------- timestamps
        {{ clean_timestamp('created_at', source('raw', 'opportunities')) }} as created_at,
        {{ clean_timestamp('closed_at', source('raw', 'opportunities')) }} as closed_at,
        ---------- data quality
        {{ raw_timestamp_issue('created_at', source('raw', 'opportunities')) }} as timestamp_issue
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
        case
            when opportunity_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
            else timestamp_issue
        end as dq_issue
    from ranked
)

select * from final
