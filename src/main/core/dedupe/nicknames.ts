// Given-name variants as a many-to-many relation: each line is a formal name and the names it
// goes by. Two names match only through a line that holds both — never through a third name
// they share: Chris is a nickname of Christopher and of Christine, yet Christopher is not
// Christine; Sandy is short for Alexander, Alexandra and Sandra, none of them the others.
// (The old table folded each name into the first group that listed it, so Sandra matched
// Alexandra and Chris / Christine did not.) The lines follow the layout and the relations of
// the public "nicknames" dataset by Carlton Northern (US given names; one row per formal
// name); no package of it could be installed here, so this is a selection of its common rows.
const LINES = `
aaron: erin ron ronnie
abigail: abby nabby
abraham: abe bram
adelaide: addie adele heidi dell
agnes: aggie nessa inez
albert: al bert bertie
alexander: alex al sandy xander lex
alexandra: alex sandy lexi alexa sasha
alfred: al alf fred freddie
alice: allie elsie lisa
allison: ali allie
amanda: mandy manda
amelia: amy millie mel
andrew: andy drew
angela: angie angel
ann: annie nan nancy
anna: ann annie
anne: annie ann nan
anthony: tony ant
antonia: toni tonya
arthur: art artie
barbara: barb babs barbie
benjamin: ben benny benji
bernard: bernie barney
beverly: bev
bradley: brad
bridget: biddy bridie
calvin: cal
cameron: cam
caroline: carrie carol lynn
carolyn: carrie carol lynn
cassandra: cassie sandy sandra
catherine: cathy kathy kate katie cat kit
charles: charlie chuck chas chaz chip
charlotte: lottie charlie
christian: chris
christina: chris chrissy tina kristy
christine: chris chrissy tina
christopher: chris kit topher
clifford: cliff
cynthia: cindy
daniel: dan danny
danielle: dani ellie
david: dave davey
deborah: deb debbie debra
dennis: denny
donald: don donnie
dorothy: dot dottie dolly
douglas: doug
edward: ed eddie ted ned
eleanor: ellie nell nora
elizabeth: liz lizzie beth betty betsy eliza libby bess elisabeth
emily: em emmy
eugene: gene
frances: fran frankie fanny
francis: frank fran
frederick: fred freddie
gabriel: gabe
gabrielle: gabby gabi
gerald: gerry jerry
gregory: greg
harold: hal harry
henry: hank harry hal
isabella: bella izzy isabel
jacob: jake jakob
jacqueline: jackie
james: jim jimmy jamie
jeffrey: jeff geoffrey
jennifer: jen jenny jenn
jessica: jess jessie
john: jack johnny jon
jonathan: jon jonny
joseph: joe joey
joshua: josh
judith: judy
katherine: kate kathy katie kat kath kitty cathy kathryn
kathleen: kathy kate kath
kathryn: kathy kate katie
kenneth: ken kenny
kimberly: kim kimmy
lawrence: larry laurence
leonard: leo len lenny
louis: lou
madison: maddie
margaret: maggie meg peggy marge madge greta
mary: molly polly mae
matthew: matt
melissa: missy mel
michael: mike mikey mick
nancy: nan
natalie: nat
nathan: nate
nathaniel: nate nat
nicholas: nick nicky
olivia: liv
pamela: pam
patricia: pat patty trish tricia
patrick: pat paddy
peter: pete
philip: phil phillip
raymond: ray
rebecca: becky becca
richard: rick ricky dick rich richie
robert: bob bobby rob robbie bert
ronald: ron ronnie
samantha: sam sammie sammy
samuel: sam sammy
sandra: sandy
sarah: sara sally
stanley: stan
stephen: steve steph
stephanie: steph
steven: steve stephen
susan: sue susie suzanne
sylvia: syl
theodore: ted teddy theo
theresa: terry tess teresa
thomas: tom tommy
timothy: tim timmy
valerie: val
victoria: vicky tori
vincent: vince vinny
virginia: ginny ginger
walter: walt
william: bill billy will willie liam
zachary: zach zack
`;

/** Formal names: the head of each line. */
const HEADS = new Set<string>();
/** name -> every name it is directly related to (both ways). */
const RELATED = new Map<string, Set<string>>();
/** nickname -> the formal names it is short for, in table order. */
const FORMAL = new Map<string, string[]>();

for (const line of LINES.split('\n')) {
  const m = /^(\w+):\s*(.*)$/.exec(line.trim());
  if (!m) continue;
  const formal = m[1]!;
  HEADS.add(formal);
  for (const nick of m[2]!.split(/\s+/).filter(Boolean)) {
    for (const [a, b] of [[formal, nick], [nick, formal]] as const) {
      const set = RELATED.get(a) ?? new Set<string>();
      set.add(b);
      RELATED.set(a, set);
    }
    FORMAL.set(nick, [...(FORMAL.get(nick) ?? []), formal]);
  }
}

/** True when one name is listed as a variant of the other (not merely sharing a nickname). */
export function isNickname(a: string, b: string): boolean {
  return a !== b && (RELATED.get(a)?.has(b) ?? false);
}

/** The formal names a nickname is short for ("sandy" -> alexander, alexandra, cassandra, sandra); [] for a formal or unknown name. */
export function formalNames(name: string): string[] {
  return HEADS.has(name) ? [] : (FORMAL.get(name) ?? []);
}

/** Whether the name heads a line of the table (a formal name). */
export function isFormal(name: string): boolean {
  return HEADS.has(name);
}
