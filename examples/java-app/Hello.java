// A Java class for the minimized Java image (examples/java-app): compiled with
// `javac --release 17 Hello.java`; the image runs `java -cp /app Hello`.
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

public class Hello {
  public static void main(String[] args) {
    List<Integer> xs = List.of(3, 1, 2);
    String sorted = xs.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    String day = LocalDate.of(2024, 2, 29).format(DateTimeFormatter.ISO_LOCAL_DATE);
    System.out.println("java " + System.getProperty("java.specification.version") + " sorted " + sorted + " on " + day);
  }
}
