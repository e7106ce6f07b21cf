"""The rules of the method, as pure functions over plain typed values.

Nothing in this package touches a database, a file or the clock: every rule
takes "today" (and anything else it needs) as an argument, so each can be
read, tested and property-tested on its own.

- vocab: the words of the daily report (purposes, categories, grades, outcomes)
- dates: the date vocabulary (today, +3, …) and leaderboard periods
- money: amounts as exact integer cents
- cadence: when the next visit falls
- lifecycle: how a visit or a sale changes a customer (won, lost, reopened)
- due: due dates and days overdue
- fourvisit: the four-visit rule for prospects
- ranking: the leaderboard's ranks with ties
"""
