-- Learning platform: instructors, courses, modules and lessons, enrolments, progress, quizzes
-- and certificates (PostgreSQL).

CREATE TABLE instructors (
  id          BIGSERIAL PRIMARY KEY,
  full_name   VARCHAR(200) NOT NULL,
  email       VARCHAR(320) NOT NULL UNIQUE,
  bio         TEXT
);

CREATE TABLE students (
  id          BIGSERIAL PRIMARY KEY,
  full_name   VARCHAR(200) NOT NULL,
  email       VARCHAR(320) NOT NULL UNIQUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE courses (
  id             BIGSERIAL PRIMARY KEY,
  instructor_id  BIGINT NOT NULL REFERENCES instructors(id),
  title          VARCHAR(200) NOT NULL,
  slug           VARCHAR(200) NOT NULL UNIQUE,
  level          VARCHAR(12) NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
  price_cents    INTEGER NOT NULL DEFAULT 0,
  published_at   TIMESTAMPTZ
);

CREATE TABLE modules (
  id          BIGSERIAL PRIMARY KEY,
  course_id   BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
  title       VARCHAR(200) NOT NULL,
  position    INTEGER NOT NULL,
  UNIQUE (course_id, position)
);

CREATE TABLE lessons (
  id                BIGSERIAL PRIMARY KEY,
  module_id         BIGINT NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
  title             VARCHAR(200) NOT NULL,
  kind              VARCHAR(10) NOT NULL CHECK (kind IN ('video', 'article', 'quiz')),
  duration_seconds  INTEGER,
  position          INTEGER NOT NULL
);

CREATE TABLE enrollments (
  id            BIGSERIAL PRIMARY KEY,
  student_id    BIGINT NOT NULL REFERENCES students(id),
  course_id     BIGINT NOT NULL REFERENCES courses(id),
  enrolled_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at  TIMESTAMPTZ,
  UNIQUE (student_id, course_id)
);

CREATE TABLE lesson_progress (
  enrollment_id  BIGINT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
  lesson_id      BIGINT NOT NULL REFERENCES lessons(id),
  completed_at   TIMESTAMPTZ,
  seconds_watched INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (enrollment_id, lesson_id)
);

CREATE TABLE quizzes (
  id          BIGSERIAL PRIMARY KEY,
  lesson_id   BIGINT NOT NULL UNIQUE REFERENCES lessons(id) ON DELETE CASCADE,
  pass_mark   SMALLINT NOT NULL CHECK (pass_mark BETWEEN 0 AND 100)
);

CREATE TABLE questions (
  id          BIGSERIAL PRIMARY KEY,
  quiz_id     BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
  prompt      TEXT NOT NULL,
  position    INTEGER NOT NULL
);

CREATE TABLE answer_options (
  id            BIGSERIAL PRIMARY KEY,
  question_id   BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  label         TEXT NOT NULL,
  is_correct    BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE quiz_attempts (
  id             BIGSERIAL PRIMARY KEY,
  quiz_id        BIGINT NOT NULL REFERENCES quizzes(id),
  enrollment_id  BIGINT NOT NULL REFERENCES enrollments(id),
  score          SMALLINT,
  started_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  submitted_at   TIMESTAMPTZ
);

CREATE TABLE certificates (
  id              BIGSERIAL PRIMARY KEY,
  enrollment_id   BIGINT NOT NULL UNIQUE REFERENCES enrollments(id),
  serial          VARCHAR(40) NOT NULL UNIQUE,
  issued_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE course_reviews (
  id          BIGSERIAL PRIMARY KEY,
  course_id   BIGINT NOT NULL REFERENCES courses(id),
  student_id  BIGINT NOT NULL REFERENCES students(id),
  rating      SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment     TEXT,
  UNIQUE (course_id, student_id)
);
