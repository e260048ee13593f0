{#-
    What the run did with dirty raw rows (docs/semantics.md §1): one row per raw table and issue,
    with the action taken: 'dropped', 'flagged' (kept) or 'ignored' (stamped after as_of), and
    the issue in words, which the run summary prints as they are.
-#}
with

leads as (
    select * from {{ ref('stg_raw__leads') }}
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

leads_with_accounts as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

events as (
    select * from {{ ref('int_events_validated') }}
),

dispositions as (
    select * from {{ ref('int_sales_dispositions_validated') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_validated') }}
),

staged_opportunities as (
    select * from {{ ref('stg_raw__opportunities') }}
),

issues as (
    select
        'leads' as source_table,
        dq_issue as issue
    from leads
    where dq_issue is not null
    union all
    select
        'accounts',
        dq_issue
    from accounts
    where dq_issue is not null
    union all
    select
        'events',
        dq_issue
    from events
    where dq_issue is not null
    union all
    select
        'sales_dispositions',
        dq_issue
    from dispositions
    where dq_issue is not null
    union all
    select
        'opportunities',
        dq_issue
    from opportunities
    where dq_issue is not null
),

flags as (
    select
        'leads' as source_table,
        'unknown_account' as issue
    from leads_with_accounts
    where has_unknown_account
    union all
    select
        'events',
        'unknown_event_type'
    from events
    where dq_issue is null and not is_known_event_type
    union all
    select
        'events',
        'before_lead_created'
    from events
    where dq_issue is null and is_before_lead_created
    union all
    select
        'sales_dispositions',
        'before_lead_created'
    from dispositions
    where dq_issue is null and is_before_lead_created
    union all
    select
        'opportunities',
        'before_lead_created'
    from opportunities
    where dq_issue is null and is_before_lead_created
    union all
    select
        'opportunities',
        'closed_before_created'
    from opportunities
    where dq_issue is null and is_closed_before_created
    union all
    select
        'opportunities',
        'won_without_closed_at'
    from opportunities
    where dq_issue is null and is_won_without_close
    union all
    -- values there but unreadable, kept as null (of the rows kept)
    select
        'accounts',
        'unparseable_employee_count'
    from accounts
    where dq_issue is null and is_unparseable_employee_count
    union all
    select
        'accounts',
        'unparseable_annual_revenue'
    from accounts
    where dq_issue is null and is_unparseable_annual_revenue
    union all
    select
        'opportunities',
        'unparseable_amount'
    from staged_opportunities
    where dq_issue is null and is_unparseable_amount
    union all
    select
        'opportunities',
        'unparseable_is_won'
    from staged_opportunities
    where dq_issue is null and is_unparseable_is_won
    union all
    select
        'opportunities',
        'unparseable_closed_at'
    from staged_opportunities
    where dq_issue is null and is_unparseable_closed_at
),

counted as (
    select
        source_table,
        issue,
        case when issue in ('after_as_of', 'lead_after_as_of') then 'ignored' else 'dropped' end as action,
        count(*) as row_count
    from issues
    group by source_table, issue

    union all

    select
        source_table,
        issue,
        'flagged' as action,
        count(*) as row_count
    from flags
    group by source_table, issue
),

-- the column each raw table's key is in, for the words about keys
key_columns as (
    select
        'leads' as source_table,
        'lead_id' as key_column
    union all
    select
        'accounts',
        'account_id'
    union all
    select
        'events',
        'event_id'
    union all
    select
        'sales_dispositions',
        'disposition_id'
    union all
    select
        'opportunities',
        'opportunity_id'
),

-- each issue in words, read after the table's name: '383 events repeat the event_id of ...'.
-- An issue without words here is null, which a data test reports.
described as (
    select
        counted.source_table,
        counted.issue,
        counted.action,
        counted.row_count,
        case counted.issue
            ---------- dropped
            when 'null_key' then 'have no ' || key_columns.key_column
            when 'duplicate_key'
                then
                    'repeat the ' || key_columns.key_column
                    || ' of another row: the earliest row of each is kept'
            when 'null_created_at' then 'have no created_at'
            when 'unparseable_created_at' then 'have a created_at that is not a timestamp'
            when 'null_occurred_at' then 'have no occurred_at'
            when 'unparseable_occurred_at' then 'have an occurred_at that is not a timestamp'
            when 'null_decided_at' then 'have no decided_at'
            when 'unparseable_decided_at' then 'have a decided_at that is not a timestamp'
            when 'unknown_status' then 'have a status other than accepted, recycled or disqualified'
            when 'unknown_lead' then 'name a lead_id that is not in leads'
            ---------- ignored
            when 'after_as_of' then 'are stamped after as_of: a later run counts them'
            when 'lead_after_as_of'
                then 'belong to a lead created after as_of: a later run counts them'
            ---------- flagged
            when 'unknown_account'
                then 'name an account_id that is not in accounts: kept, without account attributes'
            when 'unknown_event_type'
                then 'have an event_type that no engagement rule names: kept, they score nothing'
            when 'before_lead_created'
                then 'are stamped before their lead was created: kept, they take effect at its creation'
            when 'closed_before_created'
                then 'closed before they were created: kept, the close takes effect at the creation'
            when 'won_without_closed_at' then 'are won but have no closed_at: kept, treated as open'
            when 'unparseable_employee_count'
                then 'have an employee_count that is not a whole number: kept, read as empty'
            when 'unparseable_annual_revenue'
                then 'have an annual_revenue that is not a number: kept, read as empty'
            when 'unparseable_amount' then 'have an amount that is not a number: kept, read as empty'
            when 'unparseable_is_won'
                then 'have an is_won that is not true or false: kept, read as open'
            when 'unparseable_closed_at'
                then 'have a closed_at that is not a timestamp: kept, read as open'
        end as description
    from counted
    left join key_columns
        on counted.source_table = key_columns.source_table
),

final as (
    select
        source_table,
        issue,
        action,
        row_count,
        description
    from described
)

select * from final
