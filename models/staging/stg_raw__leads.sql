with

source as (
    select * from {{ source('raw', 'leads') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('account_id') }} as account_id,
        ---------- text
        {{ clean_text('email', 'lower') }} as email,
        {{ clean_text('job_title') }} as job_title,
        {{ clean_text('country', 'upper') }} as country,
        {{ clean_text('lead_source', 'lower') }} as lead_source,
        ---------- timestamps
        {{ clean_timestamp('created_at', source('raw', 'leads')) }} as created_at,
        ---------- data quality
        {{ raw_timestamp_issue('created_at', source('raw', 'leads')) }} as timestamp_issue
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by lead_id
            order by
                created_at asc nulls last, email asc nulls last, job_title asc nulls last,
                country asc nulls last, lead_source asc nulls last, account_id asc nulls last
        ) as key_rank
    from renamed
),

final as (
    select
        lead_id,
        account_id,
        -- hashed here, where the email enters the warehouse, when var hash_pii is true: no
        -- table of a --hash-pii build holds it in clear (macros/raw_inputs/pii.sql)
        {{ mask_pii('ranked.email') }} as email,
        case
            when {{ dbt.position("'@'", 'ranked.email') }} > 0
                then {{ dbt.split_part('ranked.email', "'@'", -1) }}
        end as email_domain,
        job_title,
        country,
        lead_source,
        created_at,
        case
            when lead_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
            else timestamp_issue
        end as dq_issue
    from ranked
)

select * from final
