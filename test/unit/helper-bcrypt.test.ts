import { describe, expect, it } from "vitest";
import { bcryptHash, bcryptWithSalt } from "../helpers/bcrypt.js";

describe("test helper bcrypt", () => {
  it("matches published bcrypt test vectors", () => {
    expect(bcryptWithSalt("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.")).toBe(
      "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
    );
    expect(bcryptWithSalt("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu")).toBe(
      "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
    );
  });

  it("makes a fresh salt for each hash", () => {
    const a = bcryptHash("pw", 4);
    const b = bcryptHash("pw", 4);
    expect(a).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(a).not.toBe(b);
    expect(bcryptWithSalt("pw", a)).toBe(a);
  });
});
