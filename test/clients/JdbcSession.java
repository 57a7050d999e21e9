// A pgjdbc session against a server, run by test/pgjdbc.test.ts as a single-file program:
//
//   java -cp /usr/share/java/postgresql.jar JdbcSession.java HOST PORT USER DBNAME
//
// MALAMUTE_PASSWORD, when set, is the password. Prints one line per observation, fields
// separated by '|', with the section first; the test asserts on the lines. pgjdbc's own protocol
// log (java.util.logging, FINEST) is filtered to its Parse and Bind lines, which show when it
// switches from the unnamed statement to the named server statement S_1.

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.postgresql.PGResultSetMetaData;

public class JdbcSession {
  static final Logger driverLog = Logger.getLogger("org.postgresql");

  static void line(Object... fields) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) out.append('|');
      out.append(fields[i]);
    }
    System.out.println(out);
  }

  static String typeOf(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  public static void main(String[] args) throws Exception {
    driverLog.setLevel(Level.FINEST);
    driverLog.setUseParentHandlers(false);
    driverLog.addHandler(
        new Handler() {
          final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            String message = formatter.formatMessage(record).trim();
            if (message.contains("jdbc_events WHERE id <=")
                || message.startsWith("FE=> Bind(stmt=S_")) {
              if (message.startsWith("FE=> Parse(") || message.startsWith("FE=> Bind(")) {
                line("wire", message.substring(0, message.indexOf('(')).replace("FE=> ", ""),
                    message.replaceAll(".*stmt=([^,]*),.*", "$1"));
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });

    String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[3];
    Properties properties = new Properties();
    properties.setProperty("user", args[2]);
    String password = System.getenv("MALAMUTE_PASSWORD");
    if (password != null) properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "10");
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      DatabaseMetaData meta = connection.getMetaData();
      line("driver", meta.getDriverName(), meta.getDriverVersion());
      line("product", meta.getDatabaseProductName(), meta.getDatabaseProductVersion());

      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE jdbc_events (id int4, service text, latency float8, at timestamptz)");
        int inserted =
            statement.executeUpdate(
                "INSERT INTO jdbc_events VALUES (1, 'api', 1.5, '2024-01-01 00:00:00+00'),"
                    + " (2, 'web', 2.25, '2024-01-02 12:30:00+00'), (3, 'api', NULL, NULL)");
        line("inserted", inserted);
      }

      try (ResultSet rs = meta.getTables(null, "public", "jdbc_events", new String[] {"TABLE"})) {
        while (rs.next()) {
          line("getTables", rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"),
              rs.getString("TABLE_TYPE"));
        }
      }
      try (ResultSet rs = meta.getColumns(null, "public", "jdbc_events", "%")) {
        while (rs.next()) {
          line("getColumns", rs.getInt("ORDINAL_POSITION"), rs.getString("COLUMN_NAME"),
              rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"), rs.getString("IS_NULLABLE"));
        }
      }
      try (ResultSet rs = meta.getSchemas()) {
        while (rs.next()) line("getSchemas", rs.getString("TABLE_SCHEM"));
      }

      try (Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery("SELECT id, service, latency, at FROM jdbc_events ORDER BY id")) {
        ResultSetMetaData columns = rs.getMetaData();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
          line("rsmd", columns.getColumnName(i), columns.getColumnType(i),
              columns.getColumnTypeName(i), columns.getColumnClassName(i));
        }
        while (rs.next()) {
          line("row", rs.getInt(1), rs.getString(2), rs.getObject(3),
              rs.getObject(4, OffsetDateTime.class));
        }
      }

      // prepareThreshold is 5: executions 1-4 use the unnamed statement, from the 5th on pgjdbc
      // prepares S_1 once and asks for binary results.
      try (PreparedStatement prepared =
          connection.prepareStatement(
              "SELECT count(*), sum(latency), max(at), min(service) FROM jdbc_events WHERE id <= ?")) {
        for (int execution = 1; execution <= 8; execution++) {
          prepared.setInt(1, execution % 4);
          try (ResultSet rs = prepared.executeQuery()) {
            PGResultSetMetaData formats = rs.getMetaData().unwrap(PGResultSetMetaData.class);
            rs.next();
            line("prepared", execution, execution % 4,
                "format=" + formats.getFormat(1) + formats.getFormat(2) + formats.getFormat(3)
                    + formats.getFormat(4),
                rs.getLong(1), rs.getObject(2), rs.getObject(3, OffsetDateTime.class),
                rs.getString(4), typeOf(rs.getObject(1)), typeOf(rs.getObject(2)));
          }
        }
      }

      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT * FROM jdbc_no_such_table");
        line("error", "none");
      } catch (SQLException error) {
        line("error", error.getSQLState(), error.getMessage().split("\n")[0]);
      }
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT count(*) FROM jdbc_events")) {
        rs.next();
        line("after-error", rs.getLong(1));
      }
    }
    line("done");
  }
}
