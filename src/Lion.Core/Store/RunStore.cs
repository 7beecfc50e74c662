using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Lion.Core.Store;

/// <summary>
/// The durable record of one run: a single SQLite file (WAL) in the run folder. Every result
/// is written in a transaction as it arrives, so a crash loses at most the request in flight,
/// and resuming is reading back what is already here. The store is one connection and one
/// schema; what lives in it is read and written by concern (<see cref="Loop"/>,
/// <see cref="Datasets"/>, <see cref="Seeds"/>, <see cref="Evaluations"/>, <see cref="Plans"/>,
/// <see cref="Summary"/>, <see cref="Gateway"/>), each a small class over the same connection.
/// </summary>
public sealed class RunStore : IDisposable
{
    public const string FileName = "lion.db";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private RunStore(string folder, SqliteConnection connection)
    {
        Folder = folder;
        _connection = connection;
        Gateway = new GatewayLog(this);
        Loop = new LoopStore(this);
        Datasets = new DatasetStore(this);
        Seeds = new SeedStore(this);
        Evaluations = new EvaluationStore(this);
        Plans = new PlanStore(this);
        Summary = new RunSummary(this);
    }

    public string Folder { get; }

    /// <summary>The gateway's records in this store: request cache, usage, failed requests.</summary>
    public GatewayLog Gateway { get; }

    /// <summary>What the loop's stages read and write.</summary>
    public LoopStore Loop { get; }

    /// <summary>The run's data as the exports read it.</summary>
    public DatasetStore Datasets { get; }

    public SeedStore Seeds { get; }

    public EvaluationStore Evaluations { get; }

    public PlanStore Plans { get; }

    /// <summary>The run as status, the report and compare see it.</summary>
    public RunSummary Summary { get; }

    /// <summary>The config the run was created or last continued with, and where it came from.</summary>
    public RunConfigText Config() => Read(transaction =>
    {
        using var query = Command(transaction, "SELECT config_json, config_source FROM run WHERE id = 1");
        using var reader = query.ExecuteReader();
        reader.Read();
        return new RunConfigText(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    });

    /// <summary>Replaces the stored config: the stages still to run use the new values.</summary>
    public void UpdateConfig(RunSetup setup) => InTransaction(transaction =>
    {
        using var update = Command(transaction, "UPDATE run SET config_json = $json, config_source = $source WHERE id = 1");
        update.Parameters.AddWithValue("$json", setup.ConfigJson);
        update.Parameters.AddWithValue("$source", (object?)setup.ConfigSource ?? DBNull.Value);
        update.ExecuteNonQuery();
    });

    public static string DatabasePath(string folder) => Path.Combine(folder, FileName);

    public static bool IsRunFolder(string folder) => File.Exists(DatabasePath(folder)) || Directory.Exists(DatabasePath(folder));

    /// <summary>Opens the store of an existing run folder, upgrading its schema if it is older.</summary>
    public static RunStore Open(string folder)
    {
        if (!Directory.Exists(folder))
            throw BadInputException.InFile(folder, "no such run folder; create one with `lion init`");
        if (!IsRunFolder(folder))
            throw BadInputException.InFile(folder,
                $"not a lion run folder (it has no {FileName}); create one with `lion init --seeds FILE --out {folder}`");
        if (Directory.Exists(DatabasePath(folder)))
            throw BadInputException.InFile(DatabasePath(folder), "is a folder, not a run store; move it away or choose another run folder");
        return OpenFile(folder, DatabasePath(folder), SqliteOpenMode.ReadWrite);
    }

    /// <summary>Creates a new store file at <paramref name="databasePath"/>, which must not exist yet.</summary>
    internal static RunStore CreateFile(string folder, string databasePath, RunSetup setup)
    {
        if (File.Exists(databasePath))
            throw BadInputException.InFile(databasePath, "already exists");
        var store = OpenFile(folder, databasePath, SqliteOpenMode.ReadWriteCreate);
        store.InTransaction(transaction =>
        {
            using var command = store.Command(transaction,
                "INSERT INTO run (id, created_at, lion_version, config_json, config_source) VALUES (1, $now, $version, $config, $source)");
            command.Parameters.AddWithValue("$now", Now());
            command.Parameters.AddWithValue("$version", LionVersion);
            command.Parameters.AddWithValue("$config", setup.ConfigJson);
            command.Parameters.AddWithValue("$source", (object?)setup.ConfigSource ?? DBNull.Value);
            command.ExecuteNonQuery();
        });
        return store;
    }

    public void Dispose() => _connection.Dispose();

    internal static string LionVersion { get; } =
        typeof(RunStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    internal static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is stored, or none.</summary>
    internal T InTransaction<T>(Func<SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            try
            {
                using var transaction = _connection.BeginTransaction();
                var result = work(transaction);
                transaction.Commit();
                return result;
            }
            catch (SqliteException error) when (Failure(DatabasePath(Folder), error) is { } failure)
            {
                throw failure;
            }
        }
    }

    /// <summary>
    /// The database failures that are the disk's or the file's, not a bug: one sentence naming
    /// the store and what to do. A failed transaction is rolled back, so what was stored before
    /// it is intact.
    /// </summary>
    private static StorageException? Failure(string path, SqliteException error) => error.SqliteErrorCode switch
    {
        13 /* SQLITE_FULL */ => new($"{path}: the disk is full. Everything stored before is intact; free some space " +
                                    "(or copy the run folder elsewhere) and run the same command again", true, error),
        10 /* SQLITE_IOERR */ => new($"{path}: the disk failed to read or write ({error.Message}). Everything stored before is " +
                                     "intact; check the disk and run the same command again", true, error),
        8 /* SQLITE_READONLY */ => new($"{path}: the run store is read-only; lion must be able to write it (check the permissions " +
                                       "of the file and its folder)", false, error),
        14 /* SQLITE_CANTOPEN */ => new($"{path}: the run store cannot be opened (check that the path and its folder exist and " +
                                        "can be written)", false, error),
        11 /* SQLITE_CORRUPT */ or 26 /* SQLITE_NOTADB */ => new($"{path}: the run store is damaged ({error.Message}); restore it " +
                                                                 "from a copy, or start a new run folder", false, error),
        _ => null,
    };

    internal void InTransaction(Action<SqliteTransaction> work) =>
        InTransaction(transaction => { work(transaction); return 0; });

    internal SqliteCommand Command(SqliteTransaction? transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal T Read<T>(Func<SqliteTransaction, T> query) => InTransaction(query);

    /// <summary>A statement with its values bound as parameters ($name), never spliced into the text.</summary>
    internal SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(transaction, sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    internal List<T> Rows<T>(SqliteTransaction transaction, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(map(reader));
        return rows;
    }

    internal T Single<T>(SqliteTransaction transaction, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters) =>
        Rows(transaction, sql, map, parameters).Single();

    internal void Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static RunStore OpenFile(string folder, string databasePath, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = mode,
            Pooling = false,
            ForeignKeys = true,
        }.ToString());
        try
        {
            connection.Open();
            var store = new RunStore(folder, connection);
            store.Prepare(databasePath, creating: mode == SqliteOpenMode.ReadWriteCreate);
            return store;
        }
        catch (SqliteException error) when (error.SqliteErrorCode is 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */)
        {
            connection.Dispose();
            throw BadInputException.InFile(databasePath, $"is not a usable SQLite database ({error.Message})");
        }
        catch (SqliteException error) when (Failure(databasePath, error) is { } failure)
        {
            connection.Dispose();
            throw failure;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Prepare(string databasePath, bool creating)
    {
        long applicationId = Scalar<long>("PRAGMA application_id");
        long version = Scalar<long>("PRAGMA user_version");
        if (creating)
            Execute($"PRAGMA application_id = {StoreSchema.ApplicationId}");
        else if (applicationId != StoreSchema.ApplicationId)
            throw BadInputException.InFile(databasePath, "is a SQLite database but not a lion run store");
        if (version > StoreSchema.LatestVersion)
            throw BadInputException.InFile(databasePath,
                $"was written by a newer lion (schema version {version}; this lion knows up to {StoreSchema.LatestVersion})");

        Execute("PRAGMA journal_mode = WAL");
        // FULL: a committed answer survives a power cut too, not only a crash of this process.
        Execute("PRAGMA synchronous = FULL");
        Migrate(version);
    }

    private void Migrate(long fromVersion)
    {
        for (long next = fromVersion; next < StoreSchema.LatestVersion; next++)
        {
            long target = next + 1;
            InTransaction(transaction =>
            {
                using var migrate = Command(transaction, StoreSchema.Migrations[next]);
                migrate.ExecuteNonQuery();
                using var stamp = Command(transaction, $"PRAGMA user_version = {target}");
                stamp.ExecuteNonQuery();
            });
        }
    }

    private void Execute(string sql)
    {
        using var command = Command(null, sql);
        command.ExecuteNonQuery();
    }

    private T Scalar<T>(string sql)
    {
        using var command = Command(null, sql);
        return (T)command.ExecuteScalar()!;
    }
}
