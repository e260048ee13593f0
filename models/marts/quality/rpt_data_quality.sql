{#-
    What the run did with dirty raw rows (docs/semantics.md §1): one row per raw table and issue,
    with the action taken: 'dropped', 'flagged' (kept) or 'ignored' (stamped after as_of).
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

final as (
    select
        source_table,
        issue,
        action,
        row_count
    from counted
)

select * from final
