{#-
    MQL entries by the month of mql_at and campaign (spec §9), credited four ways. An MQL's
    touches are its lead's events with a campaign up to mql_at, in order of (occurred_at,
    event_id): every campaign it touched counts it once (mqls_touched), the first and the last
    touch's campaigns once more each, and each of its n distinct campaigns gets 1/n (linear). An
    MQL without touches counts once under '(none)' in all four. The same four again for the MQLs
    whose outcome is accepted.
-#}
with

mqls as (
    select * from {{ ref('fct_mqls') }}
),

-- the events the scoring reads (docs/semantics.md "Accounts, campaigns and nurture")
campaign_events as (
    select * from {{ ref('int_events_validated') }}
    where dq_issue is null and campaign is not null
),

touches as (
    select
        mqls.mql_id,
        campaign_events.campaign,
        row_number() over (
            partition by mqls.mql_id
            order by campaign_events.occurred_at asc, campaign_events.event_id asc
        ) as touch_number,
        row_number() over (
            partition by mqls.mql_id
            order by campaign_events.occurred_at desc, campaign_events.event_id desc
        ) as touch_number_from_last
    from mqls
    inner join campaign_events
        on
            mqls.lead_id = campaign_events.lead_id
            and campaign_events.occurred_at <= mqls.mql_at
),

-- one row per MQL and campaign it touched
touched_campaigns as (
    select
        mql_id,
        campaign,
        max(case when touch_number = 1 then 1 else 0 end) as is_first_touch,
        max(case when touch_number_from_last = 1 then 1 else 0 end) as is_last_touch,
        count(*) over (partition by mql_id) as campaigns_touched
    from touches
    group by mql_id, campaign
),

credited as (
    select
        cast({{ dbt.date_trunc('month', 'mqls.mql_at') }} as date) as mql_month,
        coalesce(touched_campaigns.campaign, '(none)') as campaign,
        case when mqls.outcome = 'accepted' then 1 else 0 end as is_accepted,
        coalesce(touched_campaigns.is_first_touch, 1) as is_first_touch,
        coalesce(touched_campaigns.is_last_touch, 1) as is_last_touch,
        cast(1 as {{ type_double() }}) / coalesce(touched_campaigns.campaigns_touched, 1) as linear_credit
    from mqls
    left join touched_campaigns
        on mqls.mql_id = touched_campaigns.mql_id
),

aggregated as (
    select
        mql_month,
        campaign,
        count(*) as mqls_touched,
        sum(is_first_touch) as first_touch_mqls,
        sum(is_last_touch) as last_touch_mqls,
        {{ exact_sum('linear_credit') }} as linear_mqls,
        sum(is_accepted) as mqls_touched_accepted,
        sum(is_accepted * is_first_touch) as first_touch_mqls_accepted,
        sum(is_accepted * is_last_touch) as last_touch_mqls_accepted,
        {{ exact_sum('is_accepted * linear_credit') }} as linear_mqls_accepted
    from credited
    group by mql_month, campaign
),

final as (
    select
        ---------- grain
        mql_month,
        campaign,
        ---------- every MQL
        cast(mqls_touched as {{ dbt.type_bigint() }}) as mqls_touched,
        cast(first_touch_mqls as {{ dbt.type_bigint() }}) as first_touch_mqls,
        cast(last_touch_mqls as {{ dbt.type_bigint() }}) as last_touch_mqls,
        linear_mqls,
        ---------- the MQLs accepted by sales (outcome accepted)
        cast(mqls_touched_accepted as {{ dbt.type_bigint() }}) as mqls_touched_accepted,
        cast(first_touch_mqls_accepted as {{ dbt.type_bigint() }}) as first_touch_mqls_accepted,
        cast(last_touch_mqls_accepted as {{ dbt.type_bigint() }}) as last_touch_mqls_accepted,
        linear_mqls_accepted
    from aggregated
)

select * from final
