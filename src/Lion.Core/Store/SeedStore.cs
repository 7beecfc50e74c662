using Lion.Core.Data;
using Microsoft.Data.Sqlite;

namespace Lion.Core.Store;

/// <summary>In the run store: seed instructions imported into the run.</summary>
public sealed class SeedStore(RunStore store)
{
    /// <summary>
    /// Stores seed instructions and puts them in both pools of <paramref name="iteration"/>, as
    /// the paper starts X_A and X_B equal to the seeds. Exact duplicates, within the file or of
    /// instructions already stored, are merged and counted. One transaction: a failure stores nothing.
    /// </summary>
    public ImportSummary ImportSeeds(SeedFile seeds, int iteration = 1) => store.InTransaction(transaction =>
    {
        string now = RunStore.Now();
        long importId;
        using (var import = store.Command(transaction,
                   "INSERT INTO imports (source, format, records, added, duplicates, imported_at) VALUES ($source, $format, $records, 0, 0, $now) RETURNING id"))
        {
            // A preset's seeds name the preset, not a file.
            import.Parameters.AddWithValue("$source", File.Exists(seeds.Path) ? Path.GetFullPath(seeds.Path) : seeds.Path);
            import.Parameters.AddWithValue("$format", seeds.Format.ToString());
            import.Parameters.AddWithValue("$records", seeds.Records.Count);
            import.Parameters.AddWithValue("$now", now);
            importId = (long)import.ExecuteScalar()!;
        }

        using var insert = store.Command(transaction, """
            INSERT INTO instructions (instruction, input, output, content_key, origin, iteration_added, import_id, created_at)
            VALUES ($instruction, $input, $output, $key, 'seed', $iteration, $import, $now)
            ON CONFLICT (content_key) DO UPDATE SET occurrences = occurrences + 1
            RETURNING id, occurrences
            """);
        var instruction = insert.Parameters.Add("$instruction", SqliteType.Text);
        var input = insert.Parameters.Add("$input", SqliteType.Text);
        var output = insert.Parameters.Add("$output", SqliteType.Text);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        insert.Parameters.AddWithValue("$iteration", iteration);
        insert.Parameters.AddWithValue("$import", importId);
        insert.Parameters.AddWithValue("$now", now);

        using var join = store.Command(transaction,
            "INSERT OR IGNORE INTO pool_members (pool, iteration, instruction_id) VALUES ('train', $iteration, $id), ('cache', $iteration, $id)");
        join.Parameters.AddWithValue("$iteration", iteration);
        var member = join.Parameters.Add("$id", SqliteType.Integer);

        int added = 0;
        foreach (var record in seeds.Records)
        {
            instruction.Value = record.Instruction;
            input.Value = record.Input;
            output.Value = (object?)record.Output ?? DBNull.Value;
            key.Value = ContentKey.Of(record);
            using (var reader = insert.ExecuteReader())
            {
                reader.Read();
                member.Value = reader.GetInt64(0);
                if (reader.GetInt64(1) == 1)
                    added++;
            }
            join.ExecuteNonQuery();
        }

        int duplicates = seeds.Records.Count - added;
        using (var count = store.Command(transaction, "UPDATE imports SET added = $added, duplicates = $duplicates WHERE id = $id"))
        {
            count.Parameters.AddWithValue("$added", added);
            count.Parameters.AddWithValue("$duplicates", duplicates);
            count.Parameters.AddWithValue("$id", importId);
            count.ExecuteNonQuery();
        }
        return new ImportSummary(seeds.Path, seeds.Format.ToString(), seeds.Records.Count, added, duplicates);
    });
}
