with

source as (
    select * from {{ source('raw', 'accounts') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('account_id') }} as account_id,
        ---------- text
        {{ clean_text('account_name') }} as account_name,
        {{ clean_text('domain', 'lower') }} as domain,
        {{ clean_text('industry', 'lower') }} as industry,
        {{ clean_text('country', 'upper') }} as country,
        ---------- numerics
        {{ try_cast(clean_text('employee_count'), dbt.type_bigint()) }} as employee_count,
        {{ clean_double('annual_revenue') }} as annual_revenue,
        ---------- data quality: a value there but not a number ('5,738', '$2M', '1e309') is read as null
        {{ is_unparseable('employee_count', try_cast(clean_text('employee_count'), dbt.type_bigint())) }}
            as is_unparseable_employee_count,
        {{ is_unparseable('annual_revenue', clean_double('annual_revenue')) }}
            as is_unparseable_annual_revenue
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id
            order by
                account_name asc nulls last, domain asc nulls last, industry asc nulls last,
                country asc nulls last, employee_count asc nulls last, annual_revenue asc nulls last
        ) as key_rank
    from renamed
),

final as (
    select
        account_id,
        account_name,
        domain,
        industry,
        country,
        employee_count,
        annual_revenue,
        case
            when account_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
        end as dq_issue,
        -- flagged on the rows used only
        account_id is not null and key_rank = 1 and is_unparseable_employee_count
            as is_unparseable_employee_count,
        account_id is not null and key_rank = 1 and is_unparseable_annual_revenue
            as is_unparseable_annual_revenue
    from ranked
)

select * from final
