// Renders Gitea's own mail templates (templates/mail/**/*.tmpl of the code.gitea.io/gitea module) in
// every language its locale files translate, as .eml the way Gitea sends them: the HTML body from
// the template through html/template with the functions Gitea gives mail templates, the subject as
// Gitea's Go code builds it, a text/plain alternative made by the html2text package Gitea itself uses.
//
//	go run . -gitea <module dir> -out <dir>
//
// Values (people, operator hosts, repositories, dates, codes) are invented and vary by a hash of
// template, scenario and language; a language's mail is written only when every key it uses is
// translated in that language (Gitea would fall back to English otherwise). models/email/README.md
// says what the set is and how it can leak its label.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"log"
	"mime"
	"mime/quotedprintable"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/Necoro/html2text"
)

type locale struct {
	lang    string
	msgs    map[string]string
	missing map[string]bool
}

func (l *locale) format(key string) string {
	if m, ok := l.msgs[key]; ok && m != "" {
		return m
	}
	l.missing[key] = true
	return key
}

// TrString and Tr follow modules/translation/i18n/localestore.go: string arguments are HTML-escaped,
// template.HTML and numbers are not, the translation itself is trusted HTML.
func (l *locale) TrString(key string, args ...any) string {
	return fmt.Sprintf(l.format(key), args...)
}

func (l *locale) Tr(key string, args ...any) template.HTML {
	esc := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			esc[i] = template.HTMLEscapeString(v)
		case template.HTML, int, int64:
			esc[i] = v
		default:
			esc[i] = template.HTMLEscapeString(fmt.Sprint(v))
		}
	}
	return template.HTML(l.TrString(key, esc...))
}

// TrN as modules/translation/translation.go, with its plural rules.
func (l *locale) TrN(cnt any, key1, keyN string, args ...any) template.HTML {
	c, ok := cnt.(int)
	if !ok {
		return l.Tr(keyN, args...)
	}
	one := c == 1
	switch l.lang {
	case "lv-LV", "ru-RU":
		one = c%10 == 1 && c%100 != 11
	case "zh-CN", "zh-TW":
		one = true
	case "fr-FR":
		one = c > -2 && c < 2
	}
	if one {
		return l.Tr(key1, args...)
	}
	return l.Tr(keyN, args...)
}

// minutesToFriendly as modules/timeutil/since.go for whole hours or days.
func (l *locale) minutesToFriendly(minutes int) string {
	switch {
	case minutes == 60:
		return l.TrString("tool.1h")
	case minutes == 1440:
		return l.TrString("tool.1d")
	case minutes%1440 == 0:
		return l.TrString("tool.days", minutes/1440)
	default:
		return l.TrString("tool.hours", minutes/60)
	}
}

type sha string

func (s sha) String() string { return string(s) }

type gitCommit struct {
	ID           sha
	MessageTitle string
}

type userCommit struct{ GitCommit gitCommit }

type pushCommit struct{ UserCommit userCommit }

// hash picks a value from a list, the same for the same words.
func hash(words ...string) uint64 {
	h := sha256.Sum256([]byte(strings.Join(words, "\x00")))
	return binary.BigEndian.Uint64(h[:8])
}

func pick[T any](list []T, words ...string) T { return list[hash(words...)%uint64(len(list))] }

var (
	operators = []string{"kaiyo", "nordlicht", "vesna", "tarn", "solace", "albero", "brisa", "hakuba"}
	appNames  = []string{"Gitea: Git with a cup of tea", "Gitea", "%s Git", "Code %s"}
	people    = []struct{ user, name string }{
		{"asilva", "Ana Silva"}, {"jberg", "Jonas Berg"}, {"mlin", "Mei Lin"}, {"ohaddad", "Omar Haddad"},
		{"enovak", "Eva Novak"}, {"ksato", "Kenji Sato"}, {"lweber", "Lukas Weber"}, {"srossi", "Sofia Rossi"},
		{"pkowalski", "Piotr Kowalski"}, {"anielsen", "Astrid Nielsen"}, {"mdubois", "Marie Dubois"}, {"ivanova", "Irina Ivanova"},
	}
	repos = []struct{ owner, name string }{
		{"infra", "ansible-roles"}, {"web", "homepage"}, {"lab", "sensor-firmware"}, {"docs", "handbook"},
		{"team", "billing-service"}, {"tools", "backup-scripts"}, {"research", "thesis"}, {"ops", "monitoring"},
	}
	titles = []string{"Fix CI on arm64", "Update dependencies", "Add dark mode", "Crash on empty config",
		"Translate README", "Release checklist", "Improve search speed", "Move docs to the wiki"}
	teams  = []string{"Owners", "developers", "ops", "reviewers"}
	orgs   = []string{"Kaiyo Lab", "Nordlicht e.V.", "Vesna Studio", "Albero Coop"}
	tags   = []string{"v1.4.0", "v2.0.1", "v0.9.3", "2026.05"}
	wflows = []string{"ci.yml", "build.yaml", "test.yml", "release.yml"}
)

// country TLD of each locale, for the operator's host
var tld = map[string]string{
	"cs-CZ": "cz", "de-DE": "de", "el-GR": "gr", "en-US": "com", "es-ES": "es", "fa-IR": "ir", "fi-FI": "fi",
	"fr-FR": "fr", "ga-IE": "ie", "hu-HU": "hu", "id-ID": "id", "is-IS": "is", "it-IT": "it", "ja-JP": "jp",
	"ko-KR": "kr", "lv-LV": "lv", "nl-NL": "nl", "pl-PL": "pl", "pt-BR": "com.br", "pt-PT": "pt", "ru-RU": "ru",
	"si-LK": "lk", "sk-SK": "sk", "sv-SE": "se", "tr-TR": "com.tr", "uk-UA": "ua", "zh-CN": "cn", "zh-TW": "tw",
}

type mail struct {
	name, tmpl, kind string
	subject          string
	data             map[string]any
	issueHeaders     bool
	missing          map[string]bool // keys this mail used that the language does not translate
}

type site struct {
	host, appURL, appName, from string
	repoOwner, repoName         string
	doer, to                    struct{ user, name string }
	date                        time.Time
}

func newSite(lang, scenario string) site {
	op := pick(operators, lang, scenario, "op")
	s := site{host: "git." + op + "." + tld[lang]}
	s.appURL = "https://" + s.host + "/"
	s.appName = pick(appNames, lang, scenario, "app")
	if strings.Contains(s.appName, "%s") {
		s.appName = fmt.Sprintf(s.appName, strings.ToUpper(op[:1])+op[1:])
	}
	s.from = mime.QEncoding.Encode("utf-8", s.appName) + " <noreply@" + s.host + ">"
	r := pick(repos, lang, scenario, "repo")
	s.repoOwner, s.repoName = r.owner, r.name
	i := hash(lang, scenario, "people") % uint64(len(people))
	s.doer, s.to = people[i], people[(i+1+hash(lang, scenario, "to")%uint64(len(people)-1))%uint64(len(people))]
	start := time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)
	s.date = start.Add(time.Duration(hash(lang, scenario, "date")%(620*24*60)) * time.Minute)
	return s
}

func (s site) repoFull() string { return s.repoOwner + "/" + s.repoName }
func (s site) repoURL() string  { return s.appURL + s.repoFull() }

func code(words ...string) string {
	const chars = "0123456789abcdef"
	b := make([]byte, 40)
	h := hash(words...)
	for i := range b {
		b[i] = chars[(h>>(uint(i)%60))&15^uint64(i)&15]
	}
	return string(b)
}

// mails builds every scenario for one language, with the subjects Gitea's services/mailer code writes.
func mails(l *locale) []mail {
	var out []mail
	lives := []int{180, 1440, 60, 4320}
	add := func(name, tmpl, kind string, build func(s site, d map[string]any) string) {
		s := newSite(l.lang, name)
		d := map[string]any{"locale": l, "Language": l.lang}
		l.missing = map[string]bool{}
		subject := build(s, d)
		if _, ok := d["Subject"]; !ok && kind != "account" {
			d["Subject"] = subject
		}
		out = append(out, mail{name: name, tmpl: tmpl, kind: kind, subject: subject, data: d,
			issueHeaders: strings.HasPrefix(tmpl, "repo/issue/"), missing: l.missing})
	}
	account := func(name, tmpl, subjectKey string, withApp bool, fill func(s site, d map[string]any)) {
		add(name, tmpl, "account", func(s site, d map[string]any) string {
			d["DisplayName"] = s.to.name
			d["Username"] = s.to.user
			d["Email"] = s.to.user + "@" + s.host[4:]
			d["Code"] = code(l.lang, name)
			live := pick(lives, l.lang, name, "live")
			d["ActiveCodeLives"] = l.minutesToFriendly(live)
			d["ResetPwdCodeLives"] = l.minutesToFriendly(live)
			if fill != nil {
				fill(s, d)
			}
			if withApp {
				return l.TrString(subjectKey, s.appName)
			}
			return l.TrString(subjectKey)
		})
	}
	account("activate", "user/auth/activate", "mail.activate_account", false, nil)
	account("activate_email", "user/auth/activate_email", "mail.activate_email", false, nil)
	account("register_notify", "user/auth/register_notify", "mail.register_notify", true, nil)
	account("reset_passwd", "user/auth/reset_passwd", "mail.reset_password", false, nil)

	add("team_invite", "org/team_invite", "invitation", func(s site, d map[string]any) string {
		org := pick(orgs, l.lang, "org")
		d["Inviter"] = map[string]any{"DisplayName": s.doer.name}
		d["Team"] = map[string]any{"Name": pick(teams, l.lang, "team")}
		d["Organization"] = map[string]any{"DisplayName": org}
		d["InviteURL"] = s.appURL + "org/invite/" + code(l.lang, "invite")[:24]
		d["Invite"] = map[string]any{"Email": s.to.user + "@" + s.host[4:]}
		return l.TrString("mail.team_invite.subject", s.doer.name, org)
	})
	add("collaborator", "repo/collaborator", "notification", func(s site, d map[string]any) string {
		d["RepoName"] = s.repoFull()
		d["Link"] = s.repoURL()
		return l.TrString("mail.repo.collaborator.added.subject", s.doer.name, s.repoFull())
	})
	add("transfer", "repo/transfer", "notification", func(s site, d map[string]any) string {
		d["Link"] = s.repoURL()
		d["Repo"] = s.repoFull()
		return l.TrString("mail.repo.transfer.subject_to_you", s.doer.name, s.repoFull())
	})
	add("release", "repo/release", "notification", func(s site, d map[string]any) string {
		tag := pick(tags, l.lang, "tag")
		d["Link"] = s.repoURL() + "/releases/tag/" + tag
		d["Release"] = map[string]any{
			"HTMLURL": s.repoURL() + "/releases/tag/" + tag, "TagName": tag, "Title": tag, "RenderedNote": "",
			"Publisher": map[string]any{"Name": s.doer.user}, "Attachments": nil,
			"Repo": map[string]any{"HTMLURL": s.repoURL(), "FullName": s.repoFull()},
		}
		d["DisableDownloadSourceArchives"] = false
		return l.TrString("mail.release.new.subject", tag, s.repoFull())
	})
	add("workflow_run", "repo/actions/workflow_run", "notification", func(s site, d map[string]any) string {
		wf := pick(wflows, l.lang, "wf")
		commit := code(l.lang, "run")
		d["Repo"] = map[string]any{"FullName": s.repoFull()}
		run := s.repoURL() + "/actions/runs/" + fmt.Sprint(10+hash(l.lang, "runid")%900)
		d["Run"] = map[string]any{"WorkflowID": wf, "HTMLURL": run}
		d["RunStatusText"] = l.TrString("mail.repo.actions.jobs.some_not_successful")
		d["Jobs"] = []map[string]any{
			{"Name": "lint", "Status": "success", "Attempt": 1, "HTMLURL": run + "/jobs/0", "Duration": "41s"},
			{"Name": "test", "Status": "failure", "Attempt": 2, "HTMLURL": run + "/jobs/1", "Duration": "3m12s"},
		}
		return fmt.Sprintf("%s: %s (%s)", l.TrString("mail.repo.actions.run.failed"), wf, commit[:10])
	})

	issue := func(s site, pull bool, index int) map[string]any {
		path := "issues"
		if pull {
			path = "pulls"
		}
		return map[string]any{
			"Index": index, "Title": pick(titles, l.lang, "title", fmt.Sprint(index)), "IsPull": pull,
			"HTMLURL": fmt.Sprintf("%s/%s/%d", s.repoURL(), path, index),
			"Repo":    map[string]any{"FullName": s.repoFull(), "HTMLURL": s.repoURL()},
			"PullRequest": map[string]any{"HeadBranch": "fix-" + s.doer.user, "BaseBranch": "main",
				"BaseRepo": map[string]any{"HTMLURL": s.repoURL()}},
		}
	}
	for _, pull := range []bool{false, true} {
		name := "assigned_issue"
		if pull {
			name = "assigned_pull"
		}
		add(name, "repo/issue/assigned", "notification", func(s site, d map[string]any) string {
			is := issue(s, pull, 3+int(hash(l.lang, name)%400))
			d["Issue"], d["IsPull"] = is, pull
			d["Doer"] = map[string]any{"Name": s.doer.user}
			d["Link"] = is["HTMLURL"]
			return fmt.Sprintf("[%s] %s (#%d)", s.repoFull(), is["Title"], is["Index"])
		})
	}
	// issue/default: the actions whose mail has no user-written text (Body empty)
	for _, a := range []struct {
		action string
		pull   bool
	}{{"new", false}, {"close", false}, {"reopen", false}, {"merge", true}, {"approve", true},
		{"reject", true}, {"review_dismissed", true}, {"ready_for_review", true}, {"push", true}} {
		name := "issue_" + a.action
		add(name, "repo/issue/default", "notification", func(s site, d map[string]any) string {
			is := issue(s, a.pull, 3+int(hash(l.lang, name)%400))
			d["Issue"], d["ActionName"], d["Body"], d["IsMention"], d["CanReply"] = is, a.action, "", false, false
			d["Doer"] = map[string]any{"Name": s.doer.user}
			var commits []pushCommit
			for i := 0; i < 1+int(hash(l.lang, name, "n")%4); i++ {
				commits = append(commits, pushCommit{userCommit{gitCommit{sha(code(l.lang, name, fmt.Sprint(i))), pick(titles, l.lang, name, fmt.Sprint(i))}}})
			}
			d["Comment"] = map[string]any{"IsForcePush": false, "Commits": commits, "Issue": is,
				"Review": map[string]any{"Reviewer": map[string]any{"Name": s.to.user}}}
			d["ReviewComments"] = nil
			d["Link"] = is["HTMLURL"]
			subject := fmt.Sprintf("[%s] %s (#%d)", s.repoFull(), is["Title"], is["Index"])
			if a.action != "new" {
				subject = "Re: " + subject
			}
			return subject
		})
	}
	return out
}

var subjectSplit = regexp.MustCompile(`(?m)^-{3,}\s*$`)

func loadTemplates(dir string, site *site) *template.Template {
	root := template.New("").Funcs(template.FuncMap{
		"AppUrl":  func() string { return site.appURL },
		"AppName": func() string { return site.appName },
		"QueryEscape": func(s string) template.URL {
			return template.URL(url.QueryEscape(s))
		},
		"DotEscape": func(s string) string { return strings.ReplaceAll(s, ".", "\u200d.\u200d") },
		"HTMLFormat": func(f string, args ...any) template.HTML {
			esc := make([]any, len(args))
			for i, a := range args {
				switch v := a.(type) {
				case template.HTML, int, int64:
					esc[i] = v
				default:
					esc[i] = template.HTMLEscapeString(fmt.Sprint(v))
				}
			}
			return template.HTML(fmt.Sprintf(f, esc...))
		},
		"ShortSha":           func(s string) string { return s[:min(10, len(s))] },
		"PathEscapeSegments": func(s string) string { return (&url.URL{Path: s}).EscapedPath() },
		"FileSize":           func(n int64) string { return fmt.Sprint(n) },
	})
	err := filepath.Walk(filepath.Join(dir, "templates/mail"), func(p string, info os.FileInfo, err error) error {
		if err != nil || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if loc := subjectSplit.FindIndex(content); loc != nil {
			content = content[loc[1]:]
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "templates/mail"), p)
		_, err = root.New(strings.TrimSuffix(rel, ".tmpl")).Parse(string(content))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	return root
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
	_ = w.Close()
	return b.String()
}

func eml(s site, m mail, html, text string) []byte {
	var b strings.Builder
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", s.from)
	h("To", mime.QEncoding.Encode("utf-8", s.to.name)+" <"+s.to.user+"@"+strings.TrimPrefix(s.host, "git.")+">")
	h("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	h("Date", s.date.Format(time.RFC1123Z))
	h("Message-ID", fmt.Sprintf("<autogen-%d-%016x@%s>", s.date.UnixMilli(), hash(m.name, m.subject), s.host))
	h("X-Auto-Response-Suppress", "All")
	if m.issueHeaders {
		h("List-ID", fmt.Sprintf("%s <%s.%s.%s>", s.repoFull(), s.repoName, s.repoOwner, s.host))
		h("List-Archive", "<"+s.repoURL()+">")
		h("X-Mailer", "Gitea")
		h("X-Gitea-Reason", "participant")
		h("X-Gitea-Sender", s.doer.user)
		h("X-Gitea-Repository", s.repoName)
	}
	boundary := fmt.Sprintf("%016x", hash(m.name, "boundary", s.host))
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/alternative; boundary="+boundary)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: %s; charset=UTF-8\r\n\r\n%s\r\n", boundary, part.typ, qp(part.body))
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return []byte(b.String())
}

func main() {
	dir := flag.String("gitea", "", "directory of the code.gitea.io/gitea module")
	out := flag.String("out", "", "output directory")
	flag.Parse()
	files, _ := filepath.Glob(filepath.Join(*dir, "options/locale/locale_*.json"))
	sort.Strings(files)
	must(0, os.MkdirAll(*out, 0o755))
	manifest := []string{"file\tlanguage\ttemplate\tkind\tsubject"}
	for _, f := range files {
		lang := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "locale_"), ".json")
		msgs := map[string]string{}
		if err := json.Unmarshal(must(os.ReadFile(f)), &msgs); err != nil {
			log.Fatal(f, err)
		}
		kept, dropped := 0, 0
		l := &locale{lang: lang, msgs: msgs}
		for _, m := range mails(l) {
			l.missing = m.missing // the body's keys join the subject's
			s := newSite(lang, m.name)
			var html bytes.Buffer
			if err := loadTemplates(*dir, &s).ExecuteTemplate(&html, m.tmpl, m.data); err != nil {
				log.Fatal(lang, " ", m.name, ": ", err)
			}
			if len(l.missing) > 0 {
				dropped++
				continue
			}
			text, err := html2text.FromString(html.String())
			if err != nil {
				log.Fatal(err)
			}
			name := fmt.Sprintf("gitea-%s/%s.eml", lang, m.name)
			must(0, os.MkdirAll(filepath.Join(*out, filepath.Dir(name)), 0o755))
			must(0, os.WriteFile(filepath.Join(*out, name), eml(s, m, html.String(), text), 0o644))
			manifest = append(manifest, strings.Join([]string{name, lang, m.tmpl, m.kind, m.subject}, "\t"))
			kept++
		}
		fmt.Fprintf(os.Stderr, "%s: %d written, %d not fully translated\n", lang, kept, dropped)
	}
	must(0, os.WriteFile(filepath.Join(*out, "manifest.tsv"), []byte(strings.Join(manifest, "\n")+"\n"), 0o644))
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
