extension Migrations {
    /// Version 6 (issue 17): the `charge_totals` triggers refuse a period total past Int64. SQLite
    /// turns an integer sum that overflows into a floating-point number without a word; the
    /// triggers of version 5 stored it, and the invoice then compared its rollup against a rounded
    /// total. Now the change of `charge_facts` fails with one line and its transaction rolls back.
    static let version6 = Migration(
        version: 6,
        sql: """
            DROP TRIGGER charge_facts_counted;
            DROP TRIGGER charge_facts_uncounted;
            DROP TRIGGER charge_facts_recounted;
            CREATE TRIGGER charge_facts_counted AFTER INSERT ON charge_facts
            BEGIN
                \(countNew)
                \(checked("NEW"))
            END;
            CREATE TRIGGER charge_facts_uncounted AFTER DELETE ON charge_facts
            BEGIN
                \(uncountOld)
                \(checked("OLD"))
            END;
            CREATE TRIGGER charge_facts_recounted AFTER UPDATE OF period, amount_micros ON charge_facts
            WHEN NEW.period IS NOT OLD.period OR NEW.amount_micros IS NOT OLD.amount_micros
            BEGIN
                \(uncountOld)
                \(checked("OLD"))
                \(countNew)
                \(checked("NEW"))
            END;

            """)

    /// Aborts when the total of the period of `row` (NEW or OLD) is no longer an integer.
    static func checked(_ row: String) -> String {
        """
        SELECT RAISE(ABORT, 'charge_totals: the charges of a period sum past 9223372036854775807 micro-units; a charge is wrong')
            FROM charge_totals WHERE period = \(row).period AND typeof(amount_micros) <> 'integer';
        """
    }
}
